// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721A} from "erc721a/contracts/ERC721A.sol";

/// @notice Benchmark baseline, never deployed by the tooling: an ERC721A collection minted in
/// batches (no per-token data).
contract BatchERC721A is ERC721A {
    constructor() ERC721A("Baseline A", "BASEA") {}

    function mintBatch(address to, uint256 quantity) external {
        _mint(to, quantity);
    }
}
