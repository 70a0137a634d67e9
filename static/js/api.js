// The one way the page asks the server: JSON in, JSON (or a file) out, one error shape, cancellation
// by an AbortSignal. Every request of every script goes through `postJSON`, `getJSON` or `postFile`.

export class ApiError extends Error {
  // status: the HTTP status (0 when no answer came); errors: [{field, message}] as the API sends them.
  constructor(status, message, errors = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.errors = errors;
  }
}

async function request(url, init, read) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, "The server did not answer: check the connection and try again.");
  }
  if (response.ok) {
    return read(response).catch((error) => {
      if (error.name === "AbortError") throw error;
      throw new ApiError(response.status, "The server's answer could not be read.");
    });
  }
  const data = await response.json().catch(() => null);
  const errors = (data && data.errors) || [];
  const first = errors[0];
  const message = first ? `${first.field}: ${first.message}` : (data && data.error) || `HTTP ${response.status}`;
  throw new ApiError(response.status, message, errors);
}

const post = (body, signal) => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal });

export function postJSON(url, body, { signal } = {}) {
  return request(url, post(body, signal), (response) => response.json());
}

export function getJSON(url, { signal } = {}) {
  return request(url, { signal }, (response) => response.json());
}

// The answer as a file to save (a CSV or LaTeX export).
export function postFile(url, body, { signal } = {}) {
  return request(url, post(body, signal), (response) => response.blob());
}

// Signals of which only the newest is live: each call aborts the request the previous one started,
// so a click that supersedes an earlier one cancels it.
export function superseding() {
  let controller = null;
  return () => {
    controller?.abort();
    controller = new AbortController();
    return controller.signal;
  };
}

export const aborted = (error) => error.name === "AbortError";
