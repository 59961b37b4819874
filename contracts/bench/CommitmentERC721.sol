// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @notice Benchmark baseline, never deployed by the tooling: a plain OpenZeppelin ERC-721 that
/// keeps one bytes32 commitment per token, minted one at a time with sequential ids.
contract CommitmentERC721 is ERC721 {
    mapping(uint256 tokenId => bytes32) public commitmentOf;
    uint256 private _lastId;

    constructor() ERC721("Baseline", "BASE") {}

    function mint(address to, bytes32 commitment) external returns (uint256 tokenId) {
        tokenId = ++_lastId;
        commitmentOf[tokenId] = commitment;
        _mint(to, tokenId);
    }
}
