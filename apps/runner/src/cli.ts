// The omni CLI: filled in by the runner issue.
export {};
