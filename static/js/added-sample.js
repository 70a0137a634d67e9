// A sample added by a click on the input space goes into the page's URL, like every setting: a data
// set's `add` (inputs, then target), or the typed samples' `x` and `y` with one more each.

// The page's URL with one sample more (inputs x, target y): a data set's `add`, or the typed samples' x and y.
export function sampleUrl(href, config, x, y) {
  const url = new URL(href);
  for (const key of ["epoch", "step", "phase"]) url.searchParams.delete(key);
  const write = (samples) => samples.map((s) => s.join(" ")).join(", ");
  if (config.dataset) {
    const added = config.dataset.added.map((s) => [...s.x, ...s.y]);
    url.searchParams.set("add", write([...added, [...x, y]]));
  } else {
    url.searchParams.set("x", write([...config.x, x]));
    url.searchParams.set("y", write([...config.y, [y]]));
  }
  return url.href;
}
