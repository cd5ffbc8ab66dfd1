"""The REST/JSON and gRPC-Web gateway in front of a gRPC upstream."""
