//! Prints the operation table as TSV: `operationId method path category response`,
//! the columns of the spec's `ops-v1.55.tsv`, so the two can be compared.
//!
//! `cargo run --example ops` (add `-- --doc ContainerLogs` to document one operation).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, op] = args.as_slice() {
        if flag == "--doc" {
            match libdocker::api::doc(op) {
                Ok(doc) => println!("{doc}"),
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(2);
                }
            }
            return;
        }
    }
    println!("operationId\tmethod\tpath\tcategory\tresponse");
    for op in libdocker::api::operations() {
        println!(
            "{}\t{}\t{}\t{}\t{}",
            op.id,
            op.method,
            op.path,
            op.category,
            op.response.as_str()
        );
    }
}
