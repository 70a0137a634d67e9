// Backprop Visualizer's host script: include it once on a course page, and every iframe of ours on
// the page (an iframe whose src is this app's /embed) takes the height its content asks for.
//   <script src="https://…/embed.js" async></script>
// The visualizer posts {type: "backprop-visualizer:resize", height} to its parent; a message counts
// only when it comes from one of our iframes' windows, so no other frame can resize anything.
(() => {
  const MESSAGE = "backprop-visualizer:resize";
  const MAX_HEIGHT = 20000;
  const script = document.currentScript;
  if (!script || window.backpropVisualizerEmbed) return;
  // The embed's address: beside this script, so an app served under a prefix works as well.
  const embedUrl = new URL("embed", script.src).href;
  window.backpropVisualizerEmbed = { embedUrl };

  function ours(iframe) {
    const src = iframe.src || "";
    return src === embedUrl || src.startsWith(`${embedUrl}?`) || src.startsWith(`${embedUrl}#`);
  }

  window.addEventListener("message", (event) => {
    const data = event.data;
    if (!data || typeof data !== "object" || data.type !== MESSAGE) return;
    const height = Number(data.height);
    if (!Number.isFinite(height) || height <= 0) return;
    for (const iframe of document.querySelectorAll("iframe")) {
      if (iframe.contentWindow === event.source && ours(iframe)) {
        iframe.style.height = `${Math.min(Math.ceil(height), MAX_HEIGHT)}px`;
        iframe.dataset.backpropHeight = String(Math.ceil(height));
        return;
      }
    }
  });
})();
