"""The spurious-minima study (Safran and Shamir's table, and the end points by symmetry type)."""
