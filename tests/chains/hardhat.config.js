// The Hardhat node of `make test-chains` (tests/chains/nodes.py starts it): Anvil's development
// accounts (Hardhat's defaults are the same mnemonic), as many as nodes.py funds, chain id 31337, the Shanghai EVM, a base fee.
const os = require("os");
const path = require("path");

const scratch = path.join(os.tmpdir(), "luxpass-hardhat");

module.exports = {
  networks: {
    hardhat: {
      chainId: 31337,
      hardfork: "shanghai",
      blockGasLimit: 30_000_000,
      accounts: { count: Number(process.env.LUXPASS_DEV_ACCOUNTS) },
    },
  },
  paths: { cache: path.join(scratch, "cache"), artifacts: path.join(scratch, "artifacts") },
};
