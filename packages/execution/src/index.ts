// Public surface of @omni/execution: filled in by its issue.
export {};
