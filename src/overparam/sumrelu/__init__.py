"""The sum-of-ReLUs study (problem L1.2): SGD, where runs end, the price of width, report numbers."""
