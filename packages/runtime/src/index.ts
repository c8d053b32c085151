// Public surface of @omni/runtime: filled in by its issue.
export {};
