"""The Nexudus Spaces REST API: `client` (NexudusClient, Tokens), `schemas` (pydantic wire models), `errors` (typed
errors with plain-language `user_message`), `enums` and `resources` (paths and filter names), `validation_rules`
(the field rules the sandbox enforces and the desk mirrors)."""
