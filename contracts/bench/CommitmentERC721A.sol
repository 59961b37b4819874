// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721A} from "erc721a/contracts/ERC721A.sol";

/// @notice Benchmark baseline, never deployed by the tooling: an ERC721A collection minted in
/// batches that keeps one bytes32 commitment per token, as a passport does.
contract CommitmentERC721A is ERC721A {
    mapping(uint256 tokenId => bytes32) public commitmentOf;

    constructor() ERC721A("Baseline A", "BASEA") {}

    function mintBatch(address to, bytes32[] calldata commitments) external returns (uint256 firstId) {
        firstId = _nextTokenId();
        for (uint256 i = 0; i < commitments.length; i++) {
            commitmentOf[firstId + i] = commitments[i];
        }
        _mint(to, commitments.length);
    }
}
