"""The GAN study (problem L5.2): data, networks and step, the scoring classifier, report numbers."""
