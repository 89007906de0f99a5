"""overparam: shared code of the over-parameterization pipeline (data, models, training, logs, plots)."""
