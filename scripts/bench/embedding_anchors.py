"""The anchors of scripts/bench/embedding.sh: sentences/second of all-MiniLM-L6-v2 with one
thread in ONNX Runtime and in sentence-transformers (PyTorch), on the same corpus and batches as
our side. Prints one JSON object per line.

Both anchors include tokenisation (the Hugging Face fast tokenizer) and pad each batch to its
longest text, as the libraries do; our side includes tokenisation and packs. The ONNX model is
exported here from the same weights: BERT, mean pooling over the attention mask and L2
normalisation in one graph, so ONNX Runtime does the same work as our service path. It is run
with ONNX Runtime's default (full) graph optimisations.

    python scripts/bench/embedding_anchors.py --model DIR --corpus FILE --onnx FILE
        [--seconds S] [--batch-sizes 1,8,32,128]
"""

import argparse
import json
import os
import sys
import time

# One thread everywhere, and no hub access: the model is read from the local folder.
for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[variable] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402
import sentence_transformers  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
torch.set_num_interop_threads(1)


def emit(**fields):
    print(json.dumps(fields, sort_keys=True), flush=True)


def measure(batches, seconds, body):
    """Sentences/second over whole passes of the corpus (at least one), after one warm-up batch."""
    body(batches[0])
    texts = passes = 0
    start = time.perf_counter()
    while True:
        for batch in batches:
            answered = body(batch)
            assert answered == len(batch), (answered, len(batch))
            texts += answered
        passes += 1
        if time.perf_counter() - start >= seconds:
            break
    return texts / (time.perf_counter() - start), passes


class PooledBert(torch.nn.Module):
    """BERT, then mean pooling over the attention mask and L2 normalisation."""

    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)


def export_onnx(model, path):
    bert = model[0].auto_model
    tokenizer = model.tokenizer
    sample = tokenizer(["a neon geometric dress", "an oversized hoodie in soft cotton"], padding=True,
                       return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "sequence"} for name in names}
    axes["embedding"] = {0: "batch"}
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(PooledBert(bert).eval(), tuple(sample[name] for name in names), path, input_names=names,
                          output_names=["embedding"], dynamic_axes=axes, opset_version=17, dynamo=False)
    print(f"embedding_anchors: exported {path}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--onnx", required=True)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--batch-sizes", default="1,8,32,128")
    parser.add_argument("--query", help="one text whose single-call latency is measured (p50, p99)")
    args = parser.parse_args()
    texts = [json.loads(line) for line in open(args.corpus, encoding="utf-8") if line.strip()]
    sizes = [int(size) for size in args.batch_sizes.split(",")]

    model = sentence_transformers.SentenceTransformer(args.model, device="cpu")
    model.eval()
    max_length = model.max_seq_length
    tokenizer = model.tokenizer
    if not os.path.exists(args.onnx):
        export_onnx(model, args.onnx)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(args.onnx, options, providers=["CPUExecutionProvider"])

    def onnx_embed(batch):
        encoded = tokenizer(batch, padding=True, truncation=True, max_length=max_length, return_tensors="np")
        feeds = {name: encoded[name].astype(np.int64) for name in ("input_ids", "attention_mask", "token_type_ids")}
        return session.run(None, feeds)[0]

    def torch_embed(batch):
        with torch.inference_mode():
            return model.encode(batch, batch_size=len(batch), convert_to_numpy=True, show_progress_bar=False)

    # The export is checked against sentence-transformers before it is timed.
    check = texts[:32]
    difference = float(np.abs(onnx_embed(check) - torch_embed(check)).max())
    emit(check="onnx_vs_sentence_transformers", texts=len(check), max_abs_difference=difference)
    if difference > 1e-4:
        sys.exit(f"embedding_anchors: the ONNX export differs from sentence-transformers by {difference}")

    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]]
    for batch_size in sizes:
        batches = [texts[i:i + batch_size] for i in range(0, len(texts), batch_size)]
        # Tokens the anchors compute (each batch padded to its longest text) per real token.
        padded = sum(max(lengths[i:i + batch_size]) * len(lengths[i:i + batch_size])
                     for i in range(0, len(lengths), batch_size))
        emit(padding=batch_size, padded_per_real_token=padded / sum(lengths))
        rate, passes = measure(batches, args.seconds, lambda batch: len(onnx_embed(batch)))
        emit(engine="onnxruntime", version=ort.__version__, batch=batch_size, sentences_per_second=rate, passes=passes)
        rate, passes = measure(batches, args.seconds, lambda batch: len(torch_embed(batch)))
        emit(engine="pytorch", version=torch.__version__, sentence_transformers=sentence_transformers.__version__,
             batch=batch_size, sentences_per_second=rate, passes=passes)
        # ONNX Runtime at its best on this corpus: the texts sorted by length before batching (as
        # sentence-transformers' encode does within one call), so that padding almost vanishes.
        by_length = [texts[i] for i in sorted(range(len(texts)), key=lambda i: lengths[i])]
        sorted_batches = [by_length[i:i + batch_size] for i in range(0, len(by_length), batch_size)]
        rate, passes = measure(sorted_batches, args.seconds, lambda batch: len(onnx_embed(batch)))
        emit(engine="onnxruntime_sorted", version=ort.__version__, batch=batch_size, sentences_per_second=rate,
             passes=passes)

    if args.query:
        # One call at a time, tokenisation included, as a backend embedding one search query.
        for _ in range(3):
            onnx_embed([args.query])
        samples = []
        start = time.perf_counter()
        while len(samples) < 50 or time.perf_counter() - start < args.seconds:
            began = time.perf_counter()
            onnx_embed([args.query])
            samples.append(1000 * (time.perf_counter() - began))
        samples.sort()
        emit(bench="latency", engine="onnxruntime", tokens=len(tokenizer(args.query)["input_ids"]),
             p50_ms=samples[len(samples) // 2], p99_ms=samples[min(len(samples) - 1, int(0.99 * len(samples)))],
             calls=len(samples))


if __name__ == "__main__":
    main()
