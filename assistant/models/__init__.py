"""Model adapters: embedders and LLMs behind small Protocols, plus offline provisioning."""
