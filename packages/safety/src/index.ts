// Public surface of @omni/safety: filled in by its issue.
export {};
