"""Shared kit for the server-rendered pages: safe HTML, signed session values, Swedish dates."""
