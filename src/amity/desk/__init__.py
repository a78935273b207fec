"""Human workflows over the store and the analyses: what the CLI and the web render."""
