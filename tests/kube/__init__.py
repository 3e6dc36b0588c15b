"""The control-plane suites: this library against a real Kubernetes 1.37.2 (see README.md)."""
