"""protoc plugins: each renderer of ``protopact generate`` run by protoc or ``buf generate``."""
