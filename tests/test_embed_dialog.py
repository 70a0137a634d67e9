"""The Embed dialog lists the values /embed understands, each accepted by it, instead of pointing elsewhere."""

import re

from webapp.request.embed import embed_options


def test_the_embed_dialog_lists_every_option_and_each_is_accepted(client):
    page = client.get("/").get_data(as_text=True)
    text = re.search(r'id="embed-options">(.*?)</p>', page, re.S)[1]
    assert "README" not in page[page.index('id="embed-dialog"') :]
    parts = re.split(r"<code>(\w+)=", text)[1:]  # key, what follows it, key, …
    listed = dict(zip(parts[::2], parts[1::2], strict=True))
    assert set(listed) == {"view", "controls", "theme", "lock"}
    for key, said in listed.items():
        values = re.findall(r"<code>(-?\w+)</code>", said) or re.findall(r"^(\w+)</code>", said)
        for value in values:
            errors = embed_options({key: [value]})[1]
            assert not errors, (key, value, errors)
    # Every control the frame can hide is named, as a hide of all of them is the same as none.
    controls = [v for v in re.findall(r"<code>(\w+)</code>", listed["controls"]) if v != "none"]
    assert (
        embed_options({"controls": ["none"]})[0]
        == embed_options({"controls": [",".join(f"-{c}" for c in controls)]})[0]
    )
    from urllib.parse import parse_qs, unquote

    example = re.search(r"For example <code>(.*?)</code>", text)[1].replace("&amp;", "&")
    assert not embed_options(parse_qs(unquote(example.lstrip("&"))))[1], example
