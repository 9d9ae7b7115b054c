# The files the demo reads (scripts/demo.sh) and scripts/bench/pipeline.sh drains, as
# "SOURCE PATH" under the data folder, in the order they are sent: items before the purchases
# that name them.
# shellcheck disable=SC2034  # used by the scripts that source this file
demo_files=(
  "visuelle visuelle/train.csv"
  "visuelle visuelle/test.csv"
  "hm hm/articles_train.csv.gz"
  "hm hm/transactions_train.csv.gz"
  "visuelle visuelle/gtrends.csv"
  "gtrends gtrends/covid19_fashion_weekly.csv.gz"
)
