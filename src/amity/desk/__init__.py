"""Human workflows over the store and the analyses: the people view, check-in, the queue."""
