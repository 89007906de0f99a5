"""The ReLU-network core that several studies share: the arc-cosine kernel, the exact loss of a sum of
ReLUs with its gradient descent and Hessian, student initialization, the planted two-layer network."""
