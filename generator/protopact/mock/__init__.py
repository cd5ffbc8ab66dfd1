"""The mock server: example data, pagination and event streams with acks for every service of an Image."""
