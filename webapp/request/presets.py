"""Named starting points; a request names one as `preset` and overrides it field by field."""

WORKSHEET = {
    "layers": [1, 1, 1],
    "activations": ["relu", "relu"],
    "bias": False,
    "loss": "half_mse",
    "x": [[3.0]],
    "y": [[2.0]],
    "weights": [[[0.5]], [[0.8]]],
    "learning_rate": 0.1,
    "epochs": 1,
}

PRESETS: dict[str, dict] = {
    "worksheet": {
        "title": "The worksheet",
        "description": "x = 3, y = 2, w1 = 0.5, w2 = 0.8, α = 0.1: the network every number of the worksheet comes from.",
        "request": WORKSHEET,
    },
    "diverging": {
        "title": "Too large a step (linear)",
        "description": "The worksheet network with linear activations and α = 10: the cost explodes and overflows.",
        "request": {**WORKSHEET, "activations": ["linear", "linear"], "learning_rate": 10.0, "epochs": 10},
    },
    "dead_relu": {
        "title": "Too large a step (ReLU)",
        "description": "The worksheet network with α = 10: w₁ goes negative, the ReLU at a₁ dies and ŷ gets nothing from it: the cost sticks at 2.",
        "request": {**WORKSHEET, "learning_rate": 10.0, "epochs": 10},
    },
    "two_hidden": {
        "title": "Two hidden neurons",
        "description": "The worksheet's sample through a hidden layer two neurons wide, with biases. The second neuron, a₁,₂, starts "
        "dead on purpose (z₁,₂ = −0.3 · 3 + 0.1 = −0.8 ≤ 0): it outputs 0, passes no gradient back and never learns, "
        "while the first one learns alone.",
        "request": {
            **WORKSHEET,
            "layers": [1, 2, 1],
            "bias": True,
            "weights": [[[0.5], [-0.3]], [[0.8, 0.4]]],
            "biases": [[0.0, 0.1], [0.0]],
            "epochs": 20,
        },
    },
    "xor": {
        "title": "XOR",
        "description": "Four samples no straight line separates: a 2-3-1 tanh network with a sigmoid output and cross-entropy.",
        "request": {
            "layers": [2, 3, 1],
            "activations": ["tanh", "sigmoid"],
            "bias": True,
            "loss": "bce",
            "x": [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]],
            "y": [[0.0], [1.0], [1.0], [0.0]],
            "seed": 1,
            "learning_rate": 1.0,
            "epochs": 500,
        },
    },
}

DEFAULT_PRESET = "worksheet"
