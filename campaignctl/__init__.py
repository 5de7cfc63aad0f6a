"""campaignctl: campaigns as code for public-service communications."""

__version__ = "0.1.0"
