"""Jobs that write many passports: product CSVs, job files, bulk mint and batch issue."""
