//! Pod template rules (`ValidatePodTemplateSpec`, `ValidatePodSpec`; rules section B).
