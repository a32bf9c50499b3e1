/** The input is not shell we can read with confidence; the caller refuses it. */
export class ShellSyntaxError extends Error {}

/** The input is beyond what we are willing to analyse (size, nesting): refused before the wasm parser sees it. */
export class ShellLimitError extends ShellSyntaxError {}
