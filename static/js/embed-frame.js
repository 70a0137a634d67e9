// Inside a course page's iframe: tell the page how tall the visualizer is, on load and whenever that
// changes, so the page can size the iframe to it. Two messages: this app's own, which /embed.js
// listens for, and the one Canvas and Sakai resize their iframes from.

export const RESIZE_MESSAGE = "backprop-visualizer:resize";

function contentHeight() {
  return Math.ceil(document.documentElement.getBoundingClientRect().height);
}

function postHeight(height) {
  // The height says nothing private, and a sandboxed frame cannot know its parent's origin: any may hear it.
  window.parent.postMessage({ type: RESIZE_MESSAGE, height }, "*");
  window.parent.postMessage(JSON.stringify({ subject: "lti.frameResize", height }), "*");
}

if (window.parent !== window) {
  let last = 0;
  new ResizeObserver(() => {
    const height = contentHeight();
    if (height !== last) {
      last = height;
      postHeight(height);
    }
  }).observe(document.documentElement);
}
