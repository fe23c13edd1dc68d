"""How much of PyTorch's public API minitorch has: ``python -m minitorch.compat``.

For each namespace (torch, Tensor, nn, nn.functional, optim, utils.data, autograd, ...) it
lists PyTorch's public names, which of them minitorch has, which it lacks, and, for the
names both have, the keyword arguments PyTorch accepts that minitorch's signature does not.

PyTorch's names come from torch itself when it is installed; otherwise from the snapshot
``compat_torch_names.json`` shipped in the package (written by ``--write-snapshot`` from
torch 2.13). Only names a program would use count: private names, imported helper modules,
typing aliases and the parts of torch that minitorch does not aim at (quantization, sparse
layouts, TorchScript internals, vendor back ends, ``*_copy`` view variants, ...) are left
out by one filter, `is_counted`, applied to both sources.

    python -m minitorch.compat                 # the coverage table
    python -m minitorch.compat --missing nn    # also the missing names of a namespace
    python -m minitorch.compat --signatures    # also keyword differences
    python -m minitorch.compat --json OUT      # everything as JSON
"""
from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import json
import os
import re
import sys
import types

SNAPSHOT = os.path.join(os.path.dirname(__file__), "compat_torch_names.json")

# namespace label -> attribute path below the package (torch / minitorch)
NAMESPACES = {
    "torch": "",
    "Tensor": "Tensor",
    "nn": "nn",
    "nn.functional": "nn.functional",
    "nn.init": "nn.init",
    "nn.utils": "nn.utils",
    "optim": "optim",
    "optim.lr_scheduler": "optim.lr_scheduler",
    "utils.data": "utils.data",
    "autograd": "autograd",
    "linalg": "linalg",
    "special": "special",
    "distributions": "distributions",
    "func": "func",
}

# Names of parts of torch minitorch does not aim to have.
_SKIP = re.compile(
    r"quant|qint|quint|qscheme|^q_|sparse|mkldnn|miopen|cudnn_|fbgemm|_copy$|xla|ipu|mtia|"
    r"maia|vulkan|hpu|mps_|nested|^sym_|Script|^jit$|JIT|Storage|^fake_|segment_reduce|"
    r"^TYPE_CHECKING$|^is_vulkan|dlpack|^from_file$|^compiled_with|^get_file_path$|"
    r"^import_ir|^parse_|^merge_type|^unify_type|^wait$|^fork$|^Future|^Graph|^Node$|"
    r"^Use$|^Value$|^Block$|^Code$|^classes$|^library$|^ops$|^overrides$|^fx$|^export$|"
    r"^func$|^package$|^_|^Aggregation|^Alias|Logger$|^Argument|^Benchmark|^CallStack|"
    r"^Capsule$|^CompilationUnit|^Complete|^Concrete|^DeepCopy|^Deserialization|"
    r"^DisableTorch|^Dispatch|^ErrorReport|^ExcludeDispatch|^ExecutionPlan|^FatalError|"
    r"^FileCheck|^FunctionSchema|^IODescriptor|^InferredType|^LiteScript|^LockingLogger|"
    r"^OperatorInfo|^PRIVATE_OPS|^PyTorchFile|^Serialization|^StaticModule|^Tag$|"
    r"^ThroughputBenchmark|^TracingState|^ErrorReport|^Gradient$|^thread_safe_generator|"
    r"^AcceleratorError|^AVG$|^SUM$|^Event$|^Stream$|^StreamObj|^classproperty|"
    r"datapipe|DataPipe|^DataChunk|^graph|^runtime_validation|^argument_validation|"
    r"^non_deterministic|^guaranteed_datapipes|^functional_datapipe|^handle_torch_function|"
    r"^has_torch_function|_notes$|^boolean_dispatch|^assert_int_or_pair|"
    r"^Broadcasting|^GRID_SAMPLE|^DType$|^ScalingType|^SwizzleType|^profiler_allow|"
    r"^USE_|^windows$|^cpp$|^version$|^torch_version$|^torch$|^builtins$|^types$|"
    r"^return_types$|^testing$|^utils$|^hub$|^monitor$|^compiler$|^ao$|^masked$|^signal$|"
    r"^futures$|^autograd$|^random$|^storage$|^serialization$|^functional$|^quasirandom$|"
    r"^accelerator$|^overload$|^kineto|^enforce_grad|^is_view_replay|^SavedTensor$|"
    r"^DeviceType$|^Profiler|^forward_ad$|^profiler_legacy$|^profiler_util$|"
    r"^anomaly_mode$|^variable$|^function$|^graph$|^is_tensor_like$|"
    r"^is_multithreading_enabled$|^set_multithreading_enabled$|^NestedIOFunction$|"
    r"^Mapping$|^Sequence$|^cast$|^warnings$|^math$|^np$|^importlib$|^dataclasses$|"
    r"^Callable$|^Optional$|^Tensor$|^modules$|^common_types$|^factory_kwargs$|"
    r"^intrinsic$|^qat$|^quantizable$|^quantized$|^parallel$|^grad$|^init$|"
    r"^Uninitialized|Lazy.*3d$|3d$|3D$|^grouped_mm$|^scaled_mm$|^scaled_grouped_mm$|"
    r"^linear_cross_entropy$|^LinearCrossEntropy|^batch_norm_|^native_|^cudnn|"
    r"^constant_pad_nd$|^conv_tbc$|^rnn_relu|^rnn_tanh|^lstm_cell$|^gru_cell$|^lstm$|^gru$|"
    r"^convolution$|^embedding_renorm_$|^affine_grid_generator$|^grid_sampler|"
    r"^choose_qparams|^dequantize$|^int_repr$|^is_distributed$|^swap_in_optimizer|"
    r"^Muon$|^as_subclass$|^reinforce$|^record_stream$|^module_load$|^apply_$|^map2_$|"
    r"^dim_order$|^grad_dtype$|^hash_tensor$|^resize_as_sparse_$|^is_set_to$|"
    r"^untyped_storage$|^storage_type$|^storage_offset_|^volatile$|^output_nr$|^name$|"
    r"^to_padded_tensor$|^to_dense$|^coalesce|^indices$|^values$|^ccol|^crow|^col_indices|"
    r"^row_indices|^dense_dim$|^is_coalesced$|^is_meta$|^is_pinned$|^pin_memory$|"
    r"^data_ptr$|^const_data_ptr$|^smm$|^hsmm$|^spmm$|^dsmm$|^hspmm$|^saddmm$|^sspaddmm$|"
    r"^complex|^cfloat$|^cdouble$|^chalf$|^view_as_complex|^view_as_real|^polar$|^conj|"
    r"^resolve_conj$|^resolve_neg$|^is_conj$|^is_neg$|^angle$|^imag$|^real$|^float8|"
    r"^float4|^bits|^int[1-7]$|^uint[1-7]$|^bit$|^uint(16|32|64)$|^pca_lowrank$|"
    r"^svd_lowrank$|^lobpcg$|^while_loop$|^cond$|^vmap$|^prepare_multiprocessing|"
    r"^set_flush_denormal$|^init_num_threads$|^autocast_(de|in)crement|^clear_autocast|"
    r"autocast_(cache|ipu|xla|gpu|cpu)|^get_autocast|^set_autocast|^is_autocast_(ipu|xla|"
    r"cache|cpu)|^get_device_module$|^is_anomaly_check_nan|^get_deterministic_debug|"
    r"^set_deterministic_debug|^is_warn_always|^set_warn_always|^is_deterministic_algorithms"
    r"_warn_only|^empty_permuted$|^empty_quantized$|^slice_inverse$|^nonzero_static$|"
    r"^unsafe_|^stft$|^istft$|^fft$|^mvlgamma_$|^xpu$|^jagged$|^strided$|^layout$|"
    r"^channels_last|^contiguous_format$|^preserve_format$|^legacy_contiguous|"
    r"^memory_format$|^per_channel|^per_tensor|^has_(lapack|mkl|openmp|spectral)$|"
    r"^AdaptiveLogSoftmax|^CrossMapLRN2d$|^NLLLoss2d$|^SyncBatchNorm$|^Container$|"
    r"^Buffer$|^SparseAdam$|^swa_utils$|^distributed$|^DistributedSampler$|Type$|^Sym|"
    r"^RRef|^BufferDict$|^LoggerBase$|^OutOfMemoryError$|^igamma|^geqrf$|^orgqr$|^ormqr$|"
    r"^index_reduce|^histogramdd$|^nextafter|^is_same_size$|^is_inference$|^is_shared$|"
    r"^share_memory_$|^new_empty_strided$|^adjoint$|^mH$|^H$|^ParamSpec$|^inf$|^override$|"
    r"^common_args$|^multi_dim_common$")

# Objects from these modules are imports, not part of the namespace (typing aliases...).
_FOREIGN_MODULES = ("typing", "collections", "builtins", "numbers", "enum", "abc", "os",
                    "sys", "math", "warnings", "functools", "importlib", "dataclasses")


def is_counted(label: str, name: str, obj=None) -> bool:
    """Whether a PyTorch name counts in the coverage figure."""
    if name.startswith("_") or _SKIP.search(name):
        return False
    if obj is not None:
        if isinstance(obj, types.ModuleType):
            return False  # sub-namespaces are namespaces of their own, or out of scope
        mod = getattr(obj, "__module__", None) or ""
        if mod.split(".")[0] in _FOREIGN_MODULES and not callable(obj):
            return False
        if mod.split(".")[0] in _FOREIGN_MODULES and isinstance(obj, type) and \
                not mod.startswith("torch"):
            return False
        if getattr(obj, "__module__", "") == "typing":
            return False
    return True


# ---------------------------------------------------------------------------- reading torch
def _resolve(root, path: str):
    obj = root
    for part in filter(None, path.split(".")):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _doc_signatures(name: str, obj) -> list:
    """Keyword names of each overload written at the top of a builtin's docstring, e.g.
    ``add(input, other, *, alpha=1, out=None) -> Tensor``."""
    doc = getattr(obj, "__doc__", None) or ""
    found = []
    pattern = re.compile(rf"^\s*(?:torch\.)?{re.escape(name)}\((.*)\)\s*(->|$)")
    for line in doc.splitlines()[:60]:
        m = pattern.match(line)
        if not m:
            continue
        params = _parse_params(m.group(1))
        if params is not None:
            found.append(params)
    return found


def _parse_params(text: str):
    text = re.sub(r"\btorch\.\w+(\.\w+)*", "0", text)   # defaults such as torch.strided
    text = text.replace("\\*", "*")
    text = re.sub(r"(\*\w+\s*,\s*)\*\s*,", r"\1", text)   # "*size, *, out=None"
    try:
        tree = ast.parse(f"def f({text}): pass")
    except SyntaxError:
        return None
    a = tree.body[0].args
    names = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
    return names


def torch_signature(name: str, obj):
    """The parameter names PyTorch accepts (union over overloads), or None if unknown."""
    target = obj.__init__ if isinstance(obj, type) else obj
    try:
        sig = inspect.signature(target)
        names = [p for p in sig.parameters if p not in ("self", "args", "kwargs")]
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.parameters.values()) \
                and not names:
            raise ValueError
        return sorted(set(names))
    except (TypeError, ValueError):
        pass
    overloads = _doc_signatures(name, obj)
    if not overloads:
        return None
    return sorted({n for ov in overloads for n in ov if n not in ("self",)})


def torch_names(torch=None) -> dict:
    """{namespace: {name: [parameter names] or None}} read from torch itself."""
    if torch is None:
        import torch  # noqa: F811 - optional: only this function needs it
    out = {}
    for label, path in NAMESPACES.items():
        ns = _resolve(torch, path)
        if ns is None:
            continue
        names = {}
        for name in dir(ns):
            try:
                obj = getattr(ns, name)
            except Exception:  # noqa: BLE001 - some torch attributes raise on access
                continue
            if not is_counted(label, name, obj):
                continue
            names[name] = torch_signature(name, obj) if callable(obj) else None
        out[label] = names
    return out


def snapshot_names() -> dict:
    with open(SNAPSHOT, encoding="utf-8") as f:
        data = json.load(f)
    spaces = data["namespaces"]
    return {label: {n: s for n, s in spaces[label].items() if is_counted(label, n)}
            for label in NAMESPACES if label in spaces}


def write_snapshot(path: str = SNAPSHOT) -> None:
    import torch
    data = {"torch_version": torch.__version__.split("+")[0], "namespaces": torch_names(torch)}
    _write_text(path, json.dumps(data, indent=0, sort_keys=True) + "\n")


def _write_text(path, text: str) -> None:
    from .utils.atomic import atomic_write
    with atomic_write(path, "w", encoding="utf-8") as f:
        f.write(text)


# ---------------------------------------------------------------------------- comparing
def _mine_params(obj):
    """(parameter names, accepts any keyword) of a minitorch callable, or None."""
    target = obj.__init__ if isinstance(obj, type) else obj
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    params = set(sig.parameters) - {"self"}
    var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.parameters.values())
    if getattr(obj, "_minitorch_keywords", False):
        params |= {"out", "axis", "keepdims"}
    return params, var_kw


# keywords that only choose an implementation, layout or pinning in PyTorch
_IGNORABLE = {"layout", "pin_memory", "memory_format", "non_blocking", "foreach", "fused",
              "capturable", "differentiable", "self", "input", "names", "generator",
              "device_type", "requires_grad"}


def compare(reference: dict, minitorch_module=None) -> dict:
    """{namespace: {"have": [...], "missing": [...], "signature": {name: [kw...]}}}."""
    if minitorch_module is None:
        minitorch_module = importlib.import_module("minitorch")
    report = {}
    for label, names in reference.items():
        ns = _resolve(minitorch_module, NAMESPACES[label])
        have, missing, sig_diff = [], [], {}
        for name, params in sorted(names.items()):
            if ns is None or not hasattr(ns, name):
                missing.append(name)
                continue
            obj = getattr(ns, name)
            have.append(name)
            if params and callable(obj):
                mine = _mine_params(obj)
                if mine is None:
                    continue
                accepted, var_kw = mine
                if var_kw:
                    continue
                lacking = [p for p in params if p not in accepted and p not in _IGNORABLE]
                if lacking and "args" not in accepted:
                    sig_diff[name] = lacking
        report[label] = {"have": have, "missing": missing, "signature": sig_diff}
    return report


def coverage_table(report: dict) -> str:
    lines = [f"{'namespace':<20} {'have':>6} {'of':>6} {'coverage':>9} {'kw diffs':>9}"]
    th = tt = 0
    for label, r in report.items():
        h, t = len(r["have"]), len(r["have"]) + len(r["missing"])
        th, tt = th + h, tt + t
        pct = 100.0 * h / t if t else 100.0
        lines.append(f"{label:<20} {h:>6} {t:>6} {pct:>8.1f}% {len(r['signature']):>9}")
    lines.append(f"{'all':<20} {th:>6} {tt:>6} {100.0 * th / max(tt, 1):>8.1f}%")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m minitorch.compat", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--missing", nargs="*", metavar="NAMESPACE",
                   help="list the missing names (of these namespaces; all if none given)")
    p.add_argument("--signatures", nargs="*", metavar="NAMESPACE",
                   help="list PyTorch keywords minitorch's functions do not accept")
    p.add_argument("--snapshot", action="store_true",
                   help="read PyTorch's names from the packaged snapshot even if torch is "
                        "installed")
    p.add_argument("--write-snapshot", action="store_true",
                   help="(maintainers) rewrite the packaged snapshot from the installed torch")
    p.add_argument("--json", metavar="OUT", help="write the whole report as JSON")
    p.add_argument("--write-required", metavar="PATH",
                   help="(maintainers) write the names minitorch has now, one 'namespace "
                        "name' per line: the list tests/test_compat.py keeps from shrinking")
    args = p.parse_args(argv)

    if args.write_snapshot:
        write_snapshot()
        print(f"wrote {SNAPSHOT}")
        return 0
    source = "snapshot"
    reference = None
    if not args.snapshot:
        try:
            import torch
            reference = torch_names(torch)
            source = f"torch {torch.__version__}"
        except ImportError:
            reference = None
    if reference is None:
        reference = snapshot_names()
        with open(SNAPSHOT, encoding="utf-8") as f:
            source = f"snapshot of torch {json.load(f)['torch_version']} (torch not installed)"
    report = compare(reference)
    if args.write_required:
        lines = [f"{label} {name}" for label, r in report.items() for name in r["have"]]
        _write_text(args.write_required, "# names minitorch has; python -m minitorch.compat "
                    "--write-required adds new ones\n" + "\n".join(lines) + "\n")
    print(f"minitorch API coverage against {source}\n")
    print(coverage_table(report))
    for flag, key in ((args.missing, "missing"), (args.signatures, "signature")):
        if flag is None:
            continue
        for label in (flag or report):
            if label not in report:
                print(f"\nunknown namespace {label!r}; one of {', '.join(report)}",
                      file=sys.stderr)
                return 2
            items = report[label][key]
            print(f"\n{label}: {len(items)} {key}")
            if key == "missing":
                print("  " + " ".join(items))
            else:
                for name, kws in items.items():
                    print(f"  {name}: {', '.join(kws)}")
    if args.json:
        _write_text(args.json, json.dumps({"source": source, "report": report}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
