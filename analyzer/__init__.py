"""tfattest: Terraform checks tied to SOC 2 Trust Services Criteria, before deployment."""

__version__ = "0.1.0"
