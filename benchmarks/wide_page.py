"""The page of a wide network: HTML size, DOM elements and server render time.

python benchmarks/wide_page.py [hidden widths, default "16,16,16,16"]
"""

import re
import statistics
import sys
import time

from webapp import create_app


def main() -> None:
    hidden = sys.argv[1] if len(sys.argv) > 1 else "16,16,16,16"
    client = create_app().test_client()
    url = f"/?form=1&hidden={hidden}&x=3&y=2"
    html = client.get(url).get_data(as_text=True)
    times = []
    for _ in range(7):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    elements = len(re.findall(r"<[a-zA-Z]", html))
    print(
        f"hidden {hidden}: {len(html.encode()) / 1024:.0f} KB, {elements} elements, render median {statistics.median(times):.0f} ms"
    )


if __name__ == "__main__":
    main()
