"""The lifecycle of an ordered product: states, allowed transitions, who may trigger them."""
