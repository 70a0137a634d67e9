// The settings form: the server checks it (one set of rules for page and API) and the errors
// appear beside their fields; only a valid form navigates to its permalink.

import { aborted, getJSON, superseding } from "./api.js";
import { appUrl } from "./urls.js";

// A field's error message and its input, which names the message in aria-describedby.
function fieldFor(name) {
  const id = `error-${name}`;
  return {
    error: document.getElementById(id),
    input: document.querySelector(`[aria-describedby~="${CSS.escape(id)}"]`),
  };
}

export function showErrors(form, errors) {
  for (const error of document.querySelectorAll(".field-error")) {
    error.hidden = true;
    error.textContent = "";
  }
  for (const input of document.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  let first = null;
  for (const [name, message] of Object.entries(errors)) {
    const { error, input } = fieldFor(name);
    const target = error || form.querySelector("#error-form");
    target.textContent = message;
    target.hidden = false;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    }
  }
  if (first) first.focus();
}

// The preset picker says what the chosen preset is, and reads "Custom" as soon as a setting is edited.
function wirePresetPicker(form) {
  const picker = document.getElementById("preset-select");
  const description = document.getElementById("preset-description");
  if (!picker || !description) return;
  const load = picker.form?.querySelector('button[type="submit"]');
  // "Custom" is the settings below, not something to load.
  const describe = () => {
    description.textContent = picker.selectedOptions[0]?.dataset.description || "";
    if (load) load.disabled = picker.value === "";
  };
  describe();
  picker.addEventListener("change", describe);
  const markCustom = () => {
    const custom = picker.querySelector('option[value=""]');
    if (custom && !custom.selected) {
      custom.selected = true;
      describe();
    }
  };
  form.addEventListener("input", markCustom);
  form.addEventListener("change", markCustom);
}

export function wireSettings(form) {
  wirePresetPicker(form);
  const nextSignal = superseding(); // a second submit cancels the first check
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const query = new URLSearchParams(new FormData(form)).toString();
    try {
      const { errors } = await getJSON(`${appUrl("check")}?${query}`, { signal: nextSignal() });
      if (Object.keys(errors).length) {
        showErrors(form, errors);
        return;
      }
    } catch (error) {
      if (aborted(error)) return; // a newer submit is being checked
      // The check failed: let the server's page report any error itself.
    }
    window.location.assign(`${form.action}?${query}`);
  });
  // Typing into a field clears its message (fields outside the form element included).
  document.addEventListener("input", (event) => {
    const described = (event.target.getAttribute("aria-describedby") || "").split(" ");
    for (const id of described.filter((d) => d.startsWith("error-"))) {
      const error = document.getElementById(id);
      if (error && !error.hidden) {
        error.hidden = true;
        event.target.removeAttribute("aria-invalid");
      }
    }
  });
}
