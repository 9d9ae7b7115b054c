/// The data sets Stylecast can read, each with its own file layout and mapping onto the
/// canonical records (see docs/ingest-formats.md).
public enum DatasetSource: String, CaseIterable, Sendable {
    /// Myntra product catalogue: `styles.csv.gz`.
    case myntra
    /// H&M: `articles_train.csv.gz` (items) or `transactions_train.csv.gz` (purchases).
    case hm
    /// VISUELLE: `train.csv` / `test.csv` (items) or `gtrends.csv` (search-interest series).
    case visuelle
    /// Google Trends for fashion keywords by country: `covid19_fashion_weekly.csv.gz`.
    case gtrends
    /// Amazon: `fashion_5core.json.gz` (reviews and items) or `clothing_5core_sequences.txt.gz`.
    case amazon
    /// Women's E-Commerce Clothing Reviews: `womens_clothing_reviews.csv.gz`.
    case reviews
    /// Fashion-MNIST: the directory holding the four idx `.gz` files.
    case fmnist
    /// Generic JSON lines in the proto3 JSON mapping, one item or interaction per line.
    case jsonl
}
