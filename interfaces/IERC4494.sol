// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ERC-4494: signature-based permit for ERC-721 (interface id 0x5604e225)
interface IERC4494 {
    /// @notice Approve `spender` for `tokenId` with the owner's EIP-712 signature of
    /// `Permit(address spender,uint256 tokenId,uint256 nonce,uint256 deadline)` at the token's
    /// current nonce.
    /// @param spender The account approved.
    /// @param tokenId The token.
    /// @param deadline The last second the permit is valid.
    /// @param signature The owner's signature of the permit.
    function permit(address spender, uint256 tokenId, uint256 deadline, bytes memory signature) external;

    /// @notice The token's nonce, which a permit names; it advances on every transfer of `tokenId`.
    /// @param tokenId The token.
    /// @return The current nonce.
    function nonces(uint256 tokenId) external view returns (uint256);

    /// @notice The EIP-712 domain separator that permits are signed under.
    /// @return The domain separator.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32);
}
