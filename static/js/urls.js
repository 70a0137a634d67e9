// The URLs the page's scripts fetch, as the server built them from the app's root (so they follow
// a URL prefix): never written into a script.

const urls = JSON.parse(document.getElementById("app-urls").textContent);

export function appUrl(name) {
  if (!(name in urls)) throw new Error(`The page names no URL for "${name}"`);
  return urls[name];
}
