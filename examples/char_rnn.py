"""A character-level language model (char-RNN) on tiny Shakespeare, or any UTF-8 text.

The model reads characters and predicts the next one: Embedding(vocab, 64) -> 1-layer
LSTM with hidden size 256 -> Linear(256, vocab), trained with cross-entropy over every
position of a batch of 32 windows of 64 characters, Adam lr 2e-3 and gradient clipping at
norm 5. The first 90% of the text trains, the last 10% validates. Its loss is measured
in nats per character (exp(loss) is the perplexity: how many characters the model is, on
average, hesitating between). A uniform guess over 65 characters scores ln 65 = 4.17.

Sampling of the training windows (--sampling):
  sequential (default)  stateful truncated backpropagation through time: the batch rows
                        are 32 contiguous streams through the text, each batch continues
                        the previous one, and the LSTM's final (h, c) of one batch is the
                        initial state of the next, *detached* (see `train`).
  random                every batch is 32 unrelated windows; the state starts at zero.

Examples:
    python examples/char_rnn.py                          # 3,000 steps on tiny Shakespeare
    python examples/char_rnn.py --steps 1000 --sampling random
    python examples/char_rnn.py --text my_poems.txt --steps 2000
    python examples/char_rnn.py --generate --prime "ROMEO:" --temperature 0.5
    python examples/char_rnn.py --limit 30000 --steps 40   # a seconds-long smoke run

Writes OUT/metrics.json (val_loss in nats/char, perplexity, the train/val loss history,
ms per step, a sample), OUT/loss.png, OUT/sample.txt and OUT/checkpoint.pt (model,
vocabulary, optimizer; --resume continues it, --generate samples from it). OUT defaults
to runs/char_rnn.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import minitorch  # noqa: E402
import minitorch.nn as nn  # noqa: E402
from minitorch import optim, viz  # noqa: E402
from minitorch.datasets import CharCorpus  # noqa: E402

from common import (add_common_args, default_out, exit_with_error, get_device,  # noqa: E402
                    print_outputs, progress_bar, save_checkpoint, set_seed, write_metrics)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join("tinyshakespeare", "input.txt")


class CharRNN(nn.Module):
    """Embedding -> LSTM -> Linear: logits (B, T, vocab) for the next character at every
    position, and the LSTM's final state (h, c)."""

    def __init__(self, vocab_size, embed=64, hidden=256, num_layers=1):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


# --------------------------------------------------------------------------- data
def find_text(args):
    """The path of the training text: --text FILE, or --data-dir (a file, or a folder
    holding input.txt or tinyshakespeare/input.txt), or the standard places."""
    if args.text:
        if not os.path.isfile(args.text):
            exit_with_error(f"--text: no file at {args.text}", code=1)
        return args.text
    places = []
    if args.data_dir:
        if os.path.isfile(args.data_dir):
            return args.data_dir
        places += [os.path.join(args.data_dir, "input.txt"), os.path.join(args.data_dir, CORPUS)]
    if os.environ.get("MINITORCH_DATA"):
        places.append(os.path.join(os.environ["MINITORCH_DATA"], CORPUS))
    places += [os.path.join(os.path.expanduser("~"), ".cache", "minitorch", CORPUS),
               os.path.join(os.path.dirname(REPO), "shared", "data", CORPUS),
               os.path.join(REPO, "data", CORPUS)]
    for p in places:
        if os.path.isfile(p):
            return p
    exit_with_error("tiny Shakespeare was not found; looked in:\n  " + "\n  ".join(places)
                    + "\nGive any UTF-8 text with --text FILE, or put tiny Shakespeare's "
                    "input.txt in one of those places (or pass --data-dir DIR).", code=1)


def load_corpus(args, vocab=None):
    path = find_text(args)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError as exc:
        exit_with_error(f"{path} is not UTF-8 text ({exc})", code=1)
    text = text.lstrip("\ufeff")
    if args.limit is not None:
        if args.limit < 1:
            exit_with_error(f"--limit must be a positive number of characters, got {args.limit}")
        text = text[:args.limit]
    corpus = CharCorpus(text, val_fraction=0.1)
    if vocab is not None and corpus.chars != list(vocab):     # --resume on another text
        exit_with_error("the checkpoint's vocabulary differs from this text's")
    need = args.seq_len + 2
    if len(corpus.val_ids) < need or len(corpus.train_ids) < args.batch_size * args.seq_len + 1:
        exit_with_error(f"the text is too short ({len(text)} characters) for batches of "
                        f"{args.batch_size} x {args.seq_len} and a validation split of "
                        f"{need}+ characters; use a larger --limit or a smaller "
                        "--batch-size / --seq-len")
    return path, corpus


# --------------------------------------------------------------------------- evaluation
def evaluate(model, ids, batch_size, seq_len, device, max_batches=None):
    """Mean cross-entropy (nats per character) of the next character over `ids`, read as
    `batch_size` contiguous streams, seq_len characters at a time, with the state carried
    along each stream (deterministic: no random offset)."""
    rows = max(1, min(batch_size, (len(ids) - 1) // seq_len))
    cols = ((len(ids) - 1) // rows // seq_len) * seq_len
    xs = ids[:rows * cols].reshape(rows, cols)
    ys = ids[1:rows * cols + 1].reshape(rows, cols)
    model.eval()
    total, count, state = 0.0, 0, None
    with minitorch.no_grad():
        for n, i in enumerate(range(0, cols, seq_len)):
            if max_batches is not None and n >= max_batches:
                break
            x = minitorch.as_tensor(np.ascontiguousarray(xs[:, i:i + seq_len]), device=device)
            y = minitorch.as_tensor(np.ascontiguousarray(ys[:, i:i + seq_len]), device=device)
            logits, state = model(x, state)
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                               y.reshape(-1), reduction="sum")
            total += loss.item()
            count += y.numel()
    model.train()
    return total / max(count, 1)


def sample(model, chars, prime, length, temperature, device, seed=0):
    """`length` characters after `prime`, drawn one at a time from
    softmax(logits / temperature): low temperatures are conservative, 1 is the model's own
    distribution, higher ones are wilder."""
    stoi = {c: i for i, c in enumerate(chars)}
    if not prime:
        exit_with_error("--prime must be at least one character")
    missing = sorted({c for c in prime if c not in stoi})
    if missing:
        exit_with_error(f"--prime: characters {missing!r} are not in the vocabulary")
    if temperature <= 0:
        exit_with_error(f"--temperature must be positive, got {temperature}")
    rng = np.random.default_rng(seed)
    model.eval()
    out = []
    with minitorch.no_grad():
        x = minitorch.as_tensor(np.array([[stoi[c] for c in prime]], dtype=np.int64),
                                device=device)
        logits, state = model(x)                       # read the prime, keep the state
        for _ in range(length):
            z = logits[0, -1].cpu().numpy().astype(np.float64) / temperature
            p = np.exp(z - z.max())
            i = int(rng.choice(len(p), p=p / p.sum()))
            out.append(chars[i])
            x = minitorch.as_tensor(np.array([[i]], dtype=np.int64), device=device)
            logits, state = model(x, state)
    model.train()
    return "".join(out)


# --------------------------------------------------------------------------- training
def train(args, model, optimizer, corpus, device, start_step=0, history=None, log=print):
    # (log lines are flushed at once: a long run sent to a file shows its progress)
    """args.steps optimizer steps (total, counting resumed ones) with validation every
    args.eval_every steps. Returns (history, per-step wall seconds, per-step CPU seconds
    of this process: steadier than wall time on a busy machine)."""
    history = list(history or [])
    loader = corpus.loader(args.batch_size, args.seq_len, "train", sampling=args.sampling,
                           device=device)
    params = list(model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    step, step_times, running, running_n = start_step, [], 0.0, 0
    cpu_times = []                                     # CPU seconds of this process
    bar = progress_bar(range(start_step, args.steps), not args.no_progress, desc="train",
                       total=args.steps, initial=start_step)
    bar_iter = iter(bar)
    model.train()
    while step < args.steps:
        state = None                                   # a new epoch starts from zero
        for x, y in loader:
            if step >= args.steps:
                break
            t0, c0 = time.perf_counter(), time.process_time()
            if args.sampling == "random":
                state = None                           # unrelated windows: fresh state
            elif state is not None:
                # Truncated BPTT: keep the *values* of (h, c) - this batch's rows continue
                # the previous batch's text - but cut the graph. Without detach() the
                # backward pass would run through every earlier batch since the epoch
                # began (time and memory growing with each step; the previous graphs were
                # also already freed by their backward, so it would fail).
                state = tuple(s.detach() for s in state)
            optimizer.zero_grad()
            logits, state = model(x, state)
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
            loss.backward()
            nn.utils.clip_grad_norm_(params, args.clip)
            optimizer.step()
            value = loss.item()
            step_times.append(time.perf_counter() - t0)
            cpu_times.append(time.process_time() - c0)
            step += 1
            running += value
            running_n += 1
            next(bar_iter, None)
            if hasattr(bar, "set_postfix") and step % 10 == 0:
                bar.set_postfix(loss=f"{value:.3f}")
            if step % args.eval_every == 0 or step == args.steps:
                val = evaluate(model, corpus.val_ids, args.batch_size, args.seq_len, device,
                               args.val_batches)
                history.append({"step": step, "train_loss": running / running_n,
                                "val_loss": val})
                running, running_n = 0.0, 0
                ms = 1000 * float(np.mean(step_times[-args.eval_every:]))
                log(f"step {step:5d}/{args.steps}  train loss {history[-1]['train_loss']:.4f}"
                    f"  val loss {val:.4f} (perplexity {math.exp(val):.2f})  {ms:.1f} ms/step",
                    flush=True)
                save(args, model, optimizer, corpus.chars, step, history)
    if hasattr(bar, "close"):
        bar.close()
    return history, step_times, cpu_times


def config_of(args):
    return {"embed": args.embed, "hidden": args.hidden, "seq_len": args.seq_len,
            "sampling": args.sampling}


def save(args, model, optimizer, chars, step, history):
    save_checkpoint(args.checkpoint, model, optimizer, step, history, step=int(step),
                    vocab=list(chars), config=config_of(args))


# --------------------------------------------------------------------------- main
def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(parser, epochs=None, batch_size=32, lr=2e-3)
    for action in parser._actions:
        if action.dest == "epochs":
            action.help = ("passes over the training text; when given it replaces --steps "
                           "(default: --steps decides)")
        if action.dest == "limit":
            action.help = "use only the first N characters of the text (a smoke run)"
        if action.dest == "data_dir":
            action.help = ("a folder holding input.txt or tinyshakespeare/input.txt, or a "
                           "text file (default: ../shared/data, $MINITORCH_DATA, "
                           "~/.cache/minitorch)")
    g = parser.add_argument_group("char-RNN")
    g.add_argument("--text", metavar="FILE", help="train on this UTF-8 text file instead")
    g.add_argument("--steps", type=int, default=3000,
                   help="optimizer steps in all (default 3000)")
    g.add_argument("--sampling", choices=("sequential", "random"), default="sequential",
                   help="sequential: stateful truncated BPTT, the state carried (detached) "
                        "across batches; random: unrelated windows (default sequential)")
    g.add_argument("--seq-len", type=int, default=64, help="characters per window (64)")
    g.add_argument("--embed", type=int, default=64, help="embedding size (64)")
    g.add_argument("--hidden", type=int, default=256, help="LSTM hidden size (256)")
    g.add_argument("--clip", type=float, default=5.0, help="gradient-norm clipping (5)")
    g.add_argument("--eval-every", type=int, default=250,
                   help="validate (and checkpoint) every N steps (250)")
    g.add_argument("--val-batches", type=int, default=None,
                   help="validate on at most N batches (default: the whole split)")
    g.add_argument("--generate", action="store_true",
                   help="do not train: sample from the checkpoint and print it")
    g.add_argument("--checkpoint", metavar="PATH",
                   help="checkpoint to write / resume / generate from (OUT/checkpoint.pt)")
    g.add_argument("--temperature", type=float, default=0.8, help="sampling temperature (0.8)")
    g.add_argument("--sample-len", type=int, default=500, help="characters to sample (500)")
    g.add_argument("--prime", default=None,
                   help="text the sample starts from (default a newline, or the text's "
                        "first character when it has no newline)")
    args = parser.parse_args(argv)
    for name in ("steps", "seq_len", "embed", "hidden", "eval_every", "batch_size"):
        if getattr(args, name) < 1:
            exit_with_error(f"--{name.replace('_', '-')} must be positive, "
                            f"got {getattr(args, name)}")
    if args.sample_len < 0:
        exit_with_error(f"--sample-len must be >= 0, got {args.sample_len}")
    return args


def generate(args, device):
    if not os.path.exists(args.checkpoint):
        exit_with_error(f"--generate: no checkpoint at {args.checkpoint} (train first)", code=1)
    state = minitorch.load(args.checkpoint)
    chars, cfg = list(state["vocab"]), state["config"]
    if args.prime is None:
        args.prime = "\n" if "\n" in chars else chars[0]
    model = CharRNN(len(chars), cfg["embed"], cfg["hidden"]).to(device)
    model.load_state_dict(state["model"])
    text = sample(model, chars, args.prime, args.sample_len, args.temperature, device,
                  args.seed)
    print(args.prime + text)
    path = os.path.join(args.out, "sample.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(args.prime + text)
    print_outputs([path])


def main(argv=None):
    args = parse_args(argv)
    out = default_out(args, __file__)
    args.checkpoint = args.checkpoint or os.path.join(out, "checkpoint.pt")
    set_seed(args.seed)
    device = get_device(args.device)
    if args.generate:
        return generate(args, device)

    resumed = None
    if args.resume:
        if not os.path.exists(args.checkpoint):
            exit_with_error(f"--resume: no checkpoint at {args.checkpoint}")
        resumed = minitorch.load(args.checkpoint)
        for k, v in resumed["config"].items():       # the architecture comes with it
            setattr(args, k, v)
    path, corpus = load_corpus(args, resumed["vocab"] if resumed else None)
    if args.epochs is not None:
        args.steps = args.epochs * len(corpus.loader(args.batch_size, args.seq_len,
                                                     sampling=args.sampling))
    print(f"{path}: {len(corpus)} characters, vocabulary {corpus.vocab_size}, "
          f"{len(corpus.train_ids)} train / {len(corpus.val_ids)} validation; "
          f"{args.sampling} sampling, {args.steps} steps")
    model = CharRNN(corpus.vocab_size, args.embed, args.hidden).to(device)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    start, history = 0, []
    if resumed is not None:
        model.load_state_dict(resumed["model"])
        optimizer.load_state_dict(resumed["optimizer"])
        start, history = int(resumed["step"]), list(resumed["history"])
        print(f"resumed from {args.checkpoint} at step {start}")

    t0 = time.perf_counter()
    history, times, cpu_times = train(args, model, optimizer, corpus, device, start, history)
    wall = time.perf_counter() - t0
    if not history:
        exit_with_error(f"nothing to train: the checkpoint is at step {start} "
                        f"(--steps {args.steps})")
    val_loss = history[-1]["val_loss"]
    if args.prime is None:
        args.prime = "\n" if "\n" in corpus.stoi else corpus.text[0]
    text = sample(model, corpus.chars, args.prime,
                  args.sample_len, args.temperature, device, args.seed)
    print(f"val loss {val_loss:.4f} nats/char, perplexity {math.exp(val_loss):.2f}; "
          f"sample (temperature {args.temperature}):\n{args.prime}{text}")
    ms = [1000 * t for t in times]
    metrics = {"script": "char_rnn.py", "text": path, "characters": len(corpus),
               "vocab_size": corpus.vocab_size, "n_train_chars": len(corpus.train_ids),
               "n_val_chars": len(corpus.val_ids), "steps": history[-1]["step"],
               "val_loss": val_loss, "perplexity": math.exp(val_loss),
               "best_val_loss": min(h["val_loss"] for h in history),
               "train_loss": history[-1]["train_loss"],
               "train_loss_history": [h["train_loss"] for h in history],
               "val_loss_history": [h["val_loss"] for h in history],
               "history": history,
               "ms_per_step": float(np.mean(ms)) if ms else None,
               "ms_per_step_median": float(np.median(ms)) if ms else None,
               "cpu_ms_per_step": 1000 * float(np.mean(cpu_times)) if cpu_times else None,
               "wall_seconds_this_run": wall, "load_average": list(os.getloadavg()),
               "sample": text, "prime": args.prime, "temperature": args.temperature,
               "args": vars(args)}
    paths = [write_metrics(out, metrics)]
    paths.append(viz.plot_curves({"step": [h["step"] for h in history],
                                  "train_loss": [h["train_loss"] for h in history],
                                  "val_loss": [h["val_loss"] for h in history]},
                                 os.path.join(out, "loss.png"),
                                 title="char-RNN: cross-entropy (nats/char)"))
    sample_path = os.path.join(out, "sample.txt")
    with open(sample_path, "w", encoding="utf-8") as f:
        f.write(args.prime + text)
    paths += [sample_path, args.checkpoint]
    print_outputs(paths)
    return metrics


if __name__ == "__main__":
    main()
