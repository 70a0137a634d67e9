// The Embed dialog on the main page: the page's current address as a link, an iframe snippet (with
// the host script that sizes it) and a MyST directive, each with a copy button.

const TITLE = "Backprop Visualizer";
// The first height of an iframe before the host script (or nothing, on platforms without it) sizes it.
const FRAME_HEIGHT = 480;

function escapeAttribute(text) {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

export function snippets(pageUrl, embedPath, hostScriptPath) {
  const page = new URL(pageUrl);
  const embed = new URL(embedPath, page);
  embed.search = page.search;
  const hostScript = new URL(hostScriptPath, page);
  const src = escapeAttribute(embed.href);
  return {
    permalink: page.href,
    html:
      `<iframe src="${src}" title="${TITLE}" width="100%" height="${FRAME_HEIGHT}" ` +
      `style="border:0" loading="lazy"></iframe>\n<script src="${escapeAttribute(hostScript.href)}" async></script>`,
    myst: `:::{iframe} ${embed.href}\n:width: 100%\n:class: no-blend\n:::`,
  };
}

async function copy(textarea) {
  try {
    await navigator.clipboard.writeText(textarea.value);
    return true;
  } catch {
    // No clipboard API (an insecure origin, or refused): select it for the reader's own copy.
    textarea.focus();
    textarea.select();
    return false;
  }
}

function wire(dialog, opener) {
  const status = dialog.querySelector("#embed-copy-status");
  const fields = {
    permalink: dialog.querySelector("#embed-permalink"),
    html: dialog.querySelector("#embed-html"),
    myst: dialog.querySelector("#embed-myst"),
  };
  opener.hidden = false;
  opener.addEventListener("click", () => {
    const texts = snippets(location.href, dialog.dataset.embedUrl, dialog.dataset.hostScriptUrl);
    for (const [name, field] of Object.entries(fields)) field.value = texts[name];
    status.textContent = "";
    dialog.showModal();
  });
  for (const button of dialog.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const copied = await copy(dialog.querySelector(`#${button.dataset.copy}`));
      const what = button.textContent.replace(/^Copy /, "");
      status.textContent = copied ? `Copied the ${what}.` : `Selected the ${what}: press Ctrl+C (⌘C) to copy it.`;
    });
  }
}

const dialog = document.getElementById("embed-dialog");
const opener = document.getElementById("embed-open");
if (dialog && opener) wire(dialog, opener);
