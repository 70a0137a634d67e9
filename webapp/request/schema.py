"""The API's requests and responses, as pydantic models: validation, defaults and the OpenAPI schema.
Each view declares its models with `documented`, from which `webapp.views.openapi` writes the document."""

from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from webapp.engine.activations import ACTIVATIONS
from webapp.engine.datasets import DATASETS, generate
from webapp.engine.losses import LOSSES
from webapp.request import limits
from webapp.request.presets import PRESETS

Number = Annotated[
    float,
    Field(strict=True, allow_inf_nan=False, ge=-limits.MAX_ABS_NUMBER, le=limits.MAX_ABS_NUMBER),
]
# Parameters a run continues from are its own results, as large as training made them.
AnyFinite = Annotated[float, Field(strict=True, allow_inf_nan=False)]
ActivationName = Literal[tuple(ACTIVATIONS)]  # type: ignore[valid-type]
LossName = Literal[tuple(LOSSES)]  # type: ignore[valid-type]
PresetName = Literal[tuple(PRESETS)]  # type: ignore[valid-type]
DatasetName = Literal[tuple(DATASETS)]  # type: ignore[valid-type]
Width = Annotated[int, Field(strict=True, ge=1, le=limits.MAX_WIDTH)]
Matrix = list[list[Number]]


class PlainDescent(BaseModel):
    """θ := θ − α·∂J/∂θ."""

    model_config = ConfigDict(extra="forbid")
    name: Literal["sgd"]


Decay = Annotated[float, Field(strict=True, ge=0, lt=1, allow_inf_nan=False)]


class Momentum(BaseModel):
    """PyTorch's form (`SGD(momentum=β)`): v := β·v + ∂J/∂θ, then θ := θ − α·v, v starting at 0."""

    model_config = ConfigDict(extra="forbid")
    name: Literal["momentum"]
    beta: Decay = Field(0.9, description="β, how much of the last velocity each step keeps.")


class Adam(BaseModel):
    """Kingma and Ba's Adam, as PyTorch's `Adam`: m := β₁·m + (1 − β₁)·g, v := β₂·v + (1 − β₂)·g²,
    m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), θ := θ − α·m̂/(√v̂ + ε); m and v start at 0, t counts steps from 1."""

    model_config = ConfigDict(extra="forbid")
    name: Literal["adam"]
    beta1: Decay = Field(0.9, description="β₁, the decay of m, the gradient's running mean.")
    beta2: Decay = Field(0.999, description="β₂, the decay of v, the squared gradient's running mean.")
    eps: float = Field(1e-8, strict=True, gt=0, le=1, allow_inf_nan=False, description="ε, keeps the division finite.")


OptimizerChoice = Annotated[PlainDescent | Momentum | Adam, Field(discriminator="name")]


def _samples(count: int) -> str:
    return f"{count} sample" + ("" if count == 1 else "s")


class AddedSample(BaseModel):
    model_config = ConfigDict(extra="forbid")
    x: list[Number] = Field(min_length=1, max_length=limits.MAX_WIDTH, description="The sample's inputs.")
    y: list[Number] = Field(min_length=1, max_length=limits.MAX_WIDTH, description="Its targets.")


class DatasetRequest(BaseModel):
    """A data set made on the server from a seed (`webapp/engine/datasets.py`), instead of `x` and `y`."""

    model_config = ConfigDict(extra="forbid")
    name: DatasetName = Field(description="xor, circles, gauss (two blobs), spiral or sine (a regression).")
    n: int = Field(100, strict=True, ge=1, le=limits.MAX_SAMPLES, description="How many samples to make.")
    noise: float = Field(
        0.0, strict=True, ge=0, le=limits.MAX_DATASET_NOISE, allow_inf_nan=False, description="How noisy."
    )
    seed: int = Field(0, strict=True, ge=0, le=2**32 - 1, description="Same seed, same samples, on every machine.")
    added: list[AddedSample] = Field(
        [], max_length=limits.MAX_SAMPLES, description="Samples added after the made ones (a click on the input plane)."
    )


class TrainRequest(BaseModel):
    """A network, its data, its starting parameters and how long to train it."""

    model_config = ConfigDict(extra="forbid")

    preset: PresetName | None = Field(None, description="A preset whose fields this request overrides.")
    layers: list[Width] = Field(
        [1, 1, 1],
        min_length=2,
        max_length=limits.MAX_LAYERS,
        description="Layer widths, input and output included.",
    )
    activations: list[ActivationName] | None = Field(
        None,
        description="One per non-input layer. Default: relu, with a sigmoid output for the bce loss.",
    )
    bias: bool = Field(False, strict=True)
    loss: LossName = "half_mse"
    dataset: DatasetRequest | None = Field(
        None,
        description=(
            "A data set made on the server instead of `x` and `y`: `x` and `y` beside it are refused, unless they "
            "are exactly the samples it makes (an answer's `config` sent back)."
        ),
    )
    x: list[list[Number]] | None = Field(
        None,
        min_length=1,
        max_length=limits.MAX_SAMPLES,
        description="Samples, each as wide as the input layer. Default [[3]] for a 1-wide input.",
    )
    y: list[list[Number]] | None = Field(
        None,
        min_length=1,
        max_length=limits.MAX_SAMPLES,
        description="Targets, one per sample, each as wide as the output layer. Default [[2]] for a 1-wide output.",
    )
    weights: list[Matrix] | None = Field(
        None,
        description="One matrix per layer, outputs × inputs. Default: the worksheet's, or initialised from `seed`.",
    )
    biases: list[list[Number]] | None = Field(None, description="One vector per layer when `bias` is true. Default 0.")
    params: dict[str, AnyFinite] | None = Field(
        None,
        max_length=limits.MAX_PARAMS,
        description=(
            'Starting values of single parameters by id (`{"w1": 0.3}`), over `weights` or the seed\'s; '
            f"within ±{limits.MAX_ABS_NUMBER:,.0f} unless the run continues (`from_epoch`)."
        ),
    )
    seed: int | None = Field(None, strict=True, ge=0, le=2**32 - 1, description="Seeds the weight initialisation.")
    learning_rate: float = Field(0.1, strict=True, gt=0, le=limits.MAX_LEARNING_RATE, allow_inf_nan=False)
    epochs: int = Field(1, strict=True, ge=1, le=limits.MAX_EPOCHS)
    from_epoch: int = Field(
        0,
        strict=True,
        ge=0,
        lt=limits.MAX_EPOCHS,
        description=(
            "Continue a run instead of starting it again: `params` give every parameter as it is after this "
            "many epochs (a previous answer's `after` or `history`), and only epochs `from_epoch` + 1 to "
            "`epochs` are trained, numbered as in the whole run. Their numbers are bit for bit those of the "
            "whole run: the training loop is the same."
        ),
    )
    optimizer: OptimizerChoice = Field(
        PlainDescent(name="sgd"),
        description=(
            'How a step turns its batch\'s gradient into an update: `{"name": "sgd"}` (θ := θ − α·∂J/∂θ), '
            '`{"name": "momentum", "beta": 0.9}` (PyTorch\'s form: v := β·v + ∂J/∂θ; θ := θ − α·v) or '
            '`{"name": "adam", "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}` (with bias correction).'
        ),
    )
    batch_size: int | None = Field(
        None,
        strict=True,
        ge=1,
        le=limits.MAX_SAMPLES,
        description=(
            "Samples each step sees. Default: all of them, in order (one step an epoch); 1 is stochastic "
            "gradient descent. Smaller batches are drawn each epoch by shuffling the samples with `seed` "
            "(numpy's Generator(PCG64([seed, epoch])).permutation), the last batch smaller if need be."
        ),
    )
    optimizer_state: (
        dict[Literal["v", "m"], Annotated[dict[str, AnyFinite], Field(max_length=limits.MAX_PARAMS)]] | None
    ) = Field(
        None,
        description=(
            "The optimizer's state by parameter id where a continued run (`from_epoch`) resumes: momentum's "
            "`v`, Adam's `m` and `v` (a previous answer's `optimizer_state`, or its `state.after`)."
        ),
    )
    detail_epochs: list[Annotated[int, Field(strict=True, ge=1)]] | None = Field(
        None,
        max_length=limits.MAX_DETAIL_EPOCHS,
        description=(
            "Epochs to return in full (values, gradients, local derivatives). Default: every epoch of a short "
            "run; for a long one, up to 200 evenly spaced ones (first and last included) within the size budget."
        ),
    )
    include_graph: bool = Field(True, strict=True, description="Whether the response carries `graph`.")
    detail_samples: list[Annotated[int, Field(strict=True, ge=0)]] | None = Field(
        None,
        min_length=1,
        max_length=limits.MAX_DETAIL_SAMPLES,
        description="0-based samples whose per-sample numbers the detail holds. Default: the first 8.",
    )

    @field_validator("activations")
    @classmethod
    def _one_activation_per_layer(cls, value, info: ValidationInfo):
        layers = info.data.get("layers")
        if value is not None and layers and len(value) != len(layers) - 1:
            raise ValueError(f"needs {len(layers) - 1} entries, one per non-input layer; got {len(value)}")
        return value

    @field_validator("x", "y")
    @classmethod
    def _samples_fit_their_layer(cls, value, info: ValidationInfo):
        layers = info.data.get("layers")
        if value is None or not layers:
            return value
        width = layers[0] if info.field_name == "x" else layers[-1]
        layer = "input" if info.field_name == "x" else "output"
        for s, sample in enumerate(value):
            if len(sample) != width:
                raise ValueError(f"sample {s} has {len(sample)} numbers; the {layer} layer is {width} wide")
        return value

    @field_validator("weights")
    @classmethod
    def _weights_fit_layers(cls, value, info: ValidationInfo):
        layers = info.data.get("layers")
        if value is None or not layers:
            return value
        if len(value) != len(layers) - 1:
            raise ValueError(f"needs {len(layers) - 1} matrices, one per non-input layer; got {len(value)}")
        for k, matrix in enumerate(value):
            rows, cols = layers[k + 1], layers[k]
            if len(matrix) != rows or any(len(row) != cols for row in matrix):
                raise ValueError(f"matrix {k} must be {rows} × {cols} (outputs × inputs)")
        return value

    @field_validator("biases")
    @classmethod
    def _biases_fit_layers(cls, value, info: ValidationInfo):
        layers = info.data.get("layers")
        if value is None or not layers:
            return value
        if not info.data.get("bias"):
            raise ValueError("given, but bias is false")
        if len(value) != len(layers) - 1:
            raise ValueError(f"needs {len(layers) - 1} vectors, one per non-input layer; got {len(value)}")
        for k, vector in enumerate(value):
            if len(vector) != layers[k + 1]:
                raise ValueError(f"vector {k} must have {layers[k + 1]} numbers")
        return value

    @model_validator(mode="after")
    def _complete(self):
        # Every problem at once, one line each, so a form shows them all in one round.
        problems = []
        depth = len(self.layers) - 1
        output = LOSSES[self.loss].output_activation
        if self.activations is None:
            self.activations = ["relu"] * (depth - 1) + [output or "relu"]
        elif output and self.activations[-1] != output:
            problems.append(f"activations: the {self.loss} loss needs a {output} output layer")
        if self.dataset is not None and (wrong := self._made_samples()):
            problems += wrong
            self.x = self.x or [[0.0] * self.layers[0]]  # no second error for samples the dataset was to make
            self.y = self.y or [[0.0] * self.layers[-1]] * len(self.x)
        if self.x is None:
            if self.layers[0] != 1:
                problems.append(f"x: required, the input layer is {self.layers[0]} wide")
            self.x = [[3.0]]
        if self.y is None:
            if self.layers[-1] != 1:
                problems.append(f"y: required, the output layer is {self.layers[-1]} wide")
            self.y = [[2.0]] * len(self.x)
        if len(self.y) != len(self.x):
            problems.append(f"y: has {_samples(len(self.y))} but x has {_samples(len(self.x))}")
        if self.loss == "bce" and any(not 0 <= v <= 1 for row in self.y for v in row):
            problems.append("y: the bce loss needs targets between 0 and 1")
        if not self.from_epoch:
            for pid, value in (self.params or {}).items():
                if abs(value) > limits.MAX_ABS_NUMBER:
                    problems.append(f"params.{pid}: at most {limits.MAX_ABS_NUMBER:,.0f} in size where a run starts")
                    break
        if self.from_epoch >= self.epochs:
            problems.append(f"from_epoch: must be less than epochs = {self.epochs}, the last epoch to train")
        if self.batch_size is not None and self.batch_size > len(self.x):
            problems.append(f"batch_size: at most {len(self.x)}, the number of samples")
        kept = {"sgd": (), "momentum": ("v",), "adam": ("m", "v")}[self.optimizer.name]
        for key in self.optimizer_state or {}:
            if key not in kept:
                problems.append(f"optimizer_state: {self.optimizer.name} keeps no {key}")
                break
        if self.optimizer_state and not self.from_epoch:
            problems.append("optimizer_state: given, but the run starts afresh (from_epoch is 0)")
        if self.from_epoch and kept and set(self.optimizer_state or {}) != set(kept):
            problems.append(
                f"optimizer_state: continuing from epoch {self.from_epoch} needs {self.optimizer.name}'s "
                + " and ".join(kept)
                + " as they are after it (a previous answer's optimizer_state)"
            )
        steps = limits.steps_per_epoch(len(self.x), self.batch_size)
        units = limits.work_units(self.layers, self.bias, len(self.x), self.epochs_to_train, steps)
        if units > limits.MAX_WORK_UNITS:
            most = self.from_epoch + limits.max_epochs(self.layers, self.bias, len(self.x), steps)
            problems.append(
                f"epochs: at most {most} epochs for a network and data this size "
                + (f"when continuing from epoch {self.from_epoch} " if self.from_epoch else "")
                + "(a work budget keeps the server quick for everyone)"
            )
        for epoch in self.detail_epochs or []:
            if epoch > self.epochs:
                problems.append(f"detail_epochs: epoch {epoch} is beyond epochs = {self.epochs}")
                break
            if epoch <= self.from_epoch:
                problems.append(
                    f"detail_epochs: epoch {epoch} is not trained: the run continues from epoch {self.from_epoch}"
                )
                break
        for sample in self.detail_samples or []:
            if sample >= len(self.x):
                problems.append(f"detail_samples: sample {sample} does not exist; there are {len(self.x)}")
                break
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _made_samples(self) -> list[str]:
        """x and y made from `dataset`; what is wrong with it for this network, one line each."""
        spec, kind = self.dataset, DATASETS[self.dataset.name]
        if spec.n + len(spec.added) > limits.MAX_SAMPLES:
            return [f"dataset: n and the added samples are {spec.n + len(spec.added)}; at most {limits.MAX_SAMPLES}"]
        widths = [(kind.inputs, self.layers[0], "input"), (kind.outputs, self.layers[-1], "output")]
        for width, layer, what in widths:
            if width != layer:
                return [f"dataset: {spec.name} has {width} {what}s; the {what} layer is {layer} wide"]
        for s, sample in enumerate(spec.added):
            if len(sample.x) != kind.inputs or len(sample.y) != kind.outputs:
                return [f"dataset.added[{s}]: needs {kind.inputs} inputs and {kind.outputs} targets"]
        x, y = generate(spec.name, spec.n, spec.noise, spec.seed)
        made_x = x.tolist() + [sample.x for sample in spec.added]
        made_y = y.tolist() + [sample.y for sample in spec.added]
        problems = [
            f"{name}: give either a dataset or samples {name}, not both (the dataset makes the samples)"
            for name, given, made in (("x", self.x, made_x), ("y", self.y, made_y))
            if given is not None and given != made
        ]
        self.x, self.y = made_x, made_y
        return problems

    @property
    def first_epoch(self) -> int:
        """The first epoch this request trains: 1, or the one after `from_epoch`."""
        return self.from_epoch + 1

    @property
    def epochs_to_train(self) -> int:
        return self.epochs - self.from_epoch


class Node(BaseModel):
    id: str
    kind: Literal["input", "target", "weight", "bias", "sum", "activation", "cost"]
    layer: int
    index: int
    label: str
    tex: str
    per_sample: bool = Field(description="One number per sample (x, y, z, a, ŷ), or one for the batch.")
    param: bool = Field(description="A weight or a bias.")
    formula: str | None = Field(None, description="TeX of the function the node computes (z, a, ŷ and J).")


class Edge(BaseModel):
    id: str
    source: str
    target: str
    kind: Literal["value", "weight", "bias", "activation", "cost", "target"]
    symbol: str = Field(description="The local derivative ∂(target)/∂(source), as text.")
    tex: str = Field(description="The same as TeX.")
    derivative: str = Field(description="TeX: the local derivative's formula.")
    partner: str | None = Field(description="The other edge of a product w·a: a weight edge's value edge, and back.")


class Graph(BaseModel):
    nodes: list[Node]
    edges: list[Edge]


PerSample = list[float | None] | float | None


class OptimizerState(BaseModel):
    before: dict[str, dict[str, float | None]] = Field(description="The kept state (v; m and v) by parameter id.")
    after: dict[str, dict[str, float | None]] = Field(description="The same after the step, with Adam's m_hat, v_hat.")


class StepDetail(BaseModel):
    step: int = Field(description="The step's number, counted from 1 over the whole run.")
    cost: float | None = Field(description="J on the step's batch, at the parameters it starts from.")
    samples: list[int] = Field(description="The 0-based samples of the step's batch.")
    detail_samples: list[int] = Field(description="The batch's samples whose per-sample numbers are given.")
    values: dict[str, PerSample]
    grads: dict[str, PerSample]
    local: dict[str, list[float | None]]
    terms: dict[str, list[float | None]]
    after: dict[str, float | None]
    dead: list[str]
    state: OptimizerState | None = None
    unrepresentable: dict[str, str] | None = None


class Epoch(BaseModel):
    epoch: int
    cost: float = Field(description="J over every sample, at the parameters the epoch starts from.")
    detail: bool = Field(False, description="Whether the fields below are present; only given when true.")
    steps: list[StepDetail] | None = Field(
        None,
        description=(
            "An epoch of several steps (`batch_size` below the samples): each step's detail, like an epoch's "
            "below. An epoch of one step carries that step's fields itself."
        ),
    )
    state: OptimizerState | None = Field(None, description="Momentum's or Adam's state before and after the step.")
    values: dict[str, PerSample] | None = Field(
        None, description="Each node's value: per detail sample for x, y, z, a and ŷ; one number for θ and J."
    )
    grads: dict[str, PerSample] | None = Field(
        None,
        description=(
            "∂J/∂(node). Per sample for z, a and ŷ, where J is the batch's cost, so they include its 1/N; "
            "a parameter's is the batch total, the sum of its `terms` over every sample."
        ),
    )
    local: dict[str, list[float | None]] | None = Field(
        None, description="Each edge's ∂(target)/∂(source), per sample."
    )
    terms: dict[str, list[float | None]] | None = Field(
        None, description="Each parameter's gradient term from each detail sample: ∂J/∂z · ∂z/∂θ."
    )
    after: dict[str, float | None] | None = Field(
        None, description="Each parameter after the update: θ − α·∂J/∂θ, or the optimizer's step."
    )
    dead: list[str] | None = Field(None, description="Activation nodes whose ReLU gets no positive input.")
    unrepresentable: dict[str, str] | None = Field(
        None,
        description="Numbers too large for a 64-bit float, given as null: `kind.id` (e.g. `local.yhat-J`) with why.",
    )


class Parameters(BaseModel):
    weights: list[list[list[float]]]
    biases: list[list[float]] | None = None


class History(BaseModel):
    epochs: list[int] = Field(description="Epochs whose parameters are kept (0 = initial); evenly spaced when long.")
    params: dict[str, list[float]]


class TrainResponse(BaseModel):
    graph: Graph
    config: dict = Field(description="The request with every default and preset field filled in.")
    epochs: list[Epoch]
    final_cost: float | None = Field(description="The cost after the last update; null when diverged.")
    diverged_at: int | None
    stuck_at: int | None = Field(description="The first epoch whose gradients were all exactly 0.")
    status: Literal["ok", "diverged", "dead", "stuck", "oscillating"]
    message: str
    detail_epochs: list[int]
    detail_samples: list[int]
    final: Parameters
    history: History
    optimizer: dict = Field(
        description="The optimizer's name, constants, steps per epoch and equations (TeX `lhs` := `rhs`, in order)."
    )
    step_costs: list[float | None] | None = Field(
        None, description="Each step's cost on its batch, when several an epoch."
    )
    optimizer_state: dict[str, dict[str, float | None]] | None = Field(
        None, description="Momentum's v or Adam's m and v after the last step: a continuation's `optimizer_state`."
    )


class FieldError(BaseModel):
    field: str
    message: str
    position: int | None = Field(None, description="In a formula (`expression`): the offending character, 0-based.")


class ErrorResponse(BaseModel):
    error: str
    errors: list[FieldError]


class LandscapeOptions(BaseModel):
    axes: list[str] | None = Field(
        None, min_length=2, max_length=2, description="Two parameter ids; default the first two."
    )
    steps: int | None = Field(
        None, strict=True, ge=limits.LANDSCAPE_MIN_STEPS, le=limits.LANDSCAPE_MAX_STEPS, description="Points a side."
    )


class LandscapeRequest(LandscapeOptions, TrainRequest):
    """A training request and the plane of two parameters to cost around its start."""


class GradientCheckOptions(BaseModel):
    epoch: int = Field(1, strict=True, ge=1, le=limits.MAX_EPOCHS, description="Train up to this epoch and check it.")


class GradientCheckRequest(GradientCheckOptions, TrainRequest):
    """A training request whose gradients at the start of `epoch` are checked (its `epochs` is `epoch`)."""


class ExportOptions(BaseModel):
    format: Literal["csv", "latex"] = Field(
        "csv", description="csv: every epoch's cost, parameters and gradients; latex: the tables of `epoch`."
    )
    epoch: int | None = Field(None, strict=True, ge=1, description="The epoch of the LaTeX tables. Default: the last.")


class ExportRequest(ExportOptions, TrainRequest):
    """A training request to take away as a file."""


class InputSpaceOptions(BaseModel):
    epoch: int = Field(
        1,
        strict=True,
        ge=1,
        le=limits.MAX_EPOCHS,
        description="The epoch whose parameters (before its update) are used.",
    )
    inputs: list[str] | None = Field(
        None, min_length=1, max_length=2, description="One or two input ids (`x`, `x_1`); default the first two."
    )
    steps: int | None = Field(
        None,
        strict=True,
        ge=limits.INPUT_SPACE_MIN_STEPS,
        le=limits.INPUT_SPACE_MAX_STEPS,
        description="Points a side. Default: as many as fit, at most 81 for one input and 41 for two.",
    )
    neurons: bool = Field(False, strict=True, description="Whether the answer carries each hidden neuron's output.")
    sample: int = Field(0, strict=True, ge=0, description="The sample whose values the other inputs are held at.")
    ranges: list[Annotated[list[Number], Field(min_length=2, max_length=2)]] | None = Field(
        None,
        max_length=2,
        description="[low, high] of each axis, in the order of `inputs`. Default: around the samples, 0 included.",
    )


class InputSpaceRequest(InputSpaceOptions, TrainRequest):
    """A training request, the epoch to look at and the inputs to span."""


class InputSpace(BaseModel):
    epoch: int
    axes: list[dict] = Field(description="Each spanned input's id, label and values along it.")
    held: dict[str, float] = Field(description="The other inputs, by id, held at the chosen sample's values.")
    caption: str = Field(description="What the plot shows, in words (which inputs are held, and where).")
    outputs: list[dict] = Field(
        description="Each output's id, label and ŷ at every point: a list along the axis, or rows (second axis) of columns."
    )
    neurons: list[dict] | None = Field(None, description="Each hidden neuron's id, label and output, like `outputs`.")
    boundary: float | None = Field(description="0.5 for a sigmoid output (its contour is the decision boundary).")
    samples: dict = Field(description="Every sample's inputs `x`, targets `y` and ŷ at this epoch (as /api/train).")


class Surface(BaseModel):
    axes: list[dict[str, str]] = Field(description="The two parameters, each with its id and label.")
    held: str
    u: list[float]
    v: list[float]
    cost: list[list[float | None]] = Field(description="J at each point: rows follow v, columns u.")
    flat: list[list[bool]] = Field(description="Where a dead ReLU leaves J constant along both axes (zero gradient).")
    note: str = Field(description="Why part of the plot is missing (costs past a float's range), or empty.")
    path: dict[str, list[float | int | None] | int] = Field(
        description=(
            "The run's epochs and parameters, and their cost; with mini-batches also `steps`, `step_u` and "
            "`step_v` (the parameters after each step) and `steps_per_epoch`."
        )
    )


class CheckedGradient(BaseModel):
    id: str
    label: str
    backprop: float | None
    numeric: float | None = Field(description="Central difference (J(θ + h) − J(θ − h)) / 2h.")
    difference: float | None = Field(description="|backprop − numeric|.")
    relative_error: float | None = Field(description="difference / the larger gradient; null where both are tiny.")


class GradientCheck(BaseModel):
    epoch: int
    step: float = Field(description="h, the central differences' step.")
    params: list[CheckedGradient]
    message: str = Field(description="The verdict in words, by absolute difference where the gradients are tiny.")


class Presets(BaseModel):
    presets: list[dict] = Field(description="Each preset's name, title, description and training request.")


class Endpoint(NamedTuple):
    body: type[BaseModel] | None = None  # the request body's model; None for a GET
    answer: type[BaseModel] | str | None = None  # the 200 answer's model, or a file's media types
    heavy: bool = False  # may wait for a heavy-run slot (503 when the server is busy)


def documented(*declared, **by_name):
    """Declares, above a view, the `Endpoint` it is: what the OpenAPI document says of it."""
    return lambda view: setattr(view, "documented", Endpoint(*declared, **by_name)) or view
