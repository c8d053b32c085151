// Public surface of @omni/fib-core: filled in by its issue.
export {};
