// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ERC-4494: signature-based permit for ERC-721 (interface id 0x5604e225)
interface IERC4494 {
    /// @notice Approve `spender` for `tokenId` with the owner's EIP-712 signature of
    /// `Permit(address spender,uint256 tokenId,uint256 nonce,uint256 deadline)`.
    function permit(address spender, uint256 tokenId, uint256 deadline, bytes memory sig) external;

    /// @notice Advances on every transfer of `tokenId`.
    function nonces(uint256 tokenId) external view returns (uint256);

    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32);
}
