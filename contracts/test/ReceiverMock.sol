// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @notice Test double, never deployed by the tooling: accepts ERC-721 tokens, or refuses them.
contract ReceiverMock is IERC721Receiver {
    bool public immutable accepts;

    error ReceiverMockRefused(uint256 tokenId);

    constructor(bool accepts_) {
        accepts = accepts_;
    }

    function onERC721Received(address, address, uint256 tokenId, bytes calldata) external view returns (bytes4) {
        if (!accepts) revert ReceiverMockRefused(tokenId);
        return this.onERC721Received.selector;
    }
}
