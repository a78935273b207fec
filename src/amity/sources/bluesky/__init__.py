"""Read Bluesky (AT Protocol) repository exports."""
