"""Writes the text-embedding benchmark corpus: 512 real fashion texts as JSON lines.

Half H&M article descriptions (detail_desc), a quarter Amazon Fashion review texts, a quarter
Women's E-Commerce Clothing review texts, interleaved (H&M, Amazon, H&M, Women's, ...) so that
every batch mixes short catalogue prose and longer reviews. Deterministic: within each source the
distinct non-empty texts are taken in file order at an even stride. Standard library only.

    python3 scripts/bench/embedding_corpus.py DATA_DIR OUT.jsonl
"""

import csv
import gzip
import json
import sys

COUNT = 512


def distinct(texts):
    seen = set()
    for text in texts:
        text = " ".join((text or "").split())
        if text and text not in seen:
            seen.add(text)
            yield text


def every(texts, count, source):
    texts = list(texts)
    if len(texts) < count:
        sys.exit(f"embedding_corpus: {source} has {len(texts)} distinct texts, {count} needed")
    step = len(texts) / count
    return [texts[int(i * step)] for i in range(count)]


def main():
    data, out = sys.argv[1], sys.argv[2]
    with gzip.open(f"{data}/hm/articles_train.csv.gz", "rt", encoding="utf-8", newline="") as f:
        hm = every(distinct(row["detail_desc"] for row in csv.DictReader(f)), COUNT // 2, "H&M detail_desc")
    with gzip.open(f"{data}/amazon/fashion_5core.json.gz", "rt", encoding="utf-8") as f:
        amazon = every(distinct(json.loads(line).get("reviewText") for line in f if line.strip()), COUNT // 4,
                       "Amazon Fashion reviewText")
    with gzip.open(f"{data}/reviews/womens_clothing_reviews.csv.gz", "rt", encoding="utf-8", newline="") as f:
        womens = every(distinct(row["Review Text"] for row in csv.DictReader(f)), COUNT // 4,
                       "Women's Clothing Review Text")
    corpus = []
    for i in range(COUNT // 4):
        corpus += [hm[2 * i], amazon[i], hm[2 * i + 1], womens[i]]
    with open(out, "w", encoding="utf-8") as f:
        for text in corpus:
            f.write(json.dumps(text, ensure_ascii=False) + "\n")
    chars = sum(len(t) for t in corpus)
    print(f"embedding_corpus: {len(corpus)} texts ({len(hm)} H&M, {len(amazon)} Amazon, {len(womens)} Women's "
          f"reviews), {chars / len(corpus):.0f} characters on average", file=sys.stderr)


if __name__ == "__main__":
    main()
