"""The numerical checks of the proofs (V1, L4, L5.1)."""
