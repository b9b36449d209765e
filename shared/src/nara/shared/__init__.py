"""Nära's shared library: what every service needs and no service's rules."""
