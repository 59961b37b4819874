// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IBrandPassport} from "../../interfaces/IBrandPassport.sol";

/// @title PassportRecords
/// @notice The one encoding of a passport's records and the one fold of its history head, as
/// IBrandPassport describes them: `head = keccak256(abi.encodePacked(head, abi.encode(record)))`
/// from bytes32(0). Every field of a record is a static 32-byte word, so that hash is
/// `keccak256(abi.encode(head, <record fields>))`, which is what the fold functions compute
/// (without copying the record). The Python side mirrors these encodings.
library PassportRecords {
    /// @notice The head after the ownership record `(Ownership, from, to, uint8(kind), agent)`.
    /// @param head The head before the record.
    /// @param from The owner before the move (address(0) for a mint).
    /// @param to The owner after the move.
    /// @param kind The kind of move.
    /// @param agent The sender of the move (address(0) in a plain mint's implied record).
    /// @return The head after the record.
    function foldOwnership(bytes32 head, address from, address to, IBrandPassport.TransferKind kind, address agent)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(head, IBrandPassport.RecordType.Ownership, from, to, uint8(kind), agent));
    }

    /// @notice The head after the lifecycle record `(Lifecycle, uint8(kind), detailsHash, by)`.
    /// @param head The head before the record.
    /// @param kind The lifecycle event.
    /// @param detailsHash The hash of the event's off-chain details.
    /// @param by The account that recorded the event.
    /// @return The head after the record.
    function foldLifecycle(bytes32 head, IBrandPassport.EventKind kind, bytes32 detailsHash, address by)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(head, IBrandPassport.RecordType.Lifecycle, uint8(kind), detailsHash, by));
    }

    /// @notice The head after the status record `(Status, uint8(status), by)`.
    /// @param head The head before the record.
    /// @param status The passport's new status.
    /// @param by The account that changed the status.
    /// @return The head after the record.
    function foldStatus(bytes32 head, IBrandPassport.Status status, address by) internal pure returns (bytes32) {
        return keccak256(abi.encode(head, IBrandPassport.RecordType.Status, uint8(status), by));
    }

    /// @notice The head and record count of `p`, with its first record resolved while it is
    /// implied (`implied`).
    /// @param p The passport.
    /// @param owner The passport's current owner.
    /// @return head The passport's head.
    /// @return records The number of records folded into `head`.
    function latest(IBrandPassport.Passport storage p, address owner)
        internal
        view
        returns (bytes32 head, uint32 records)
    {
        head = p.head;
        if (head != bytes32(0)) return (head, p.records);
        return (implied(p, owner), 1);
    }

    /// @notice The head of `p`'s implied first record, a plain mint's or a claim's (`sold` on
    /// its mint), while it is the passport's only record.
    /// @param p The passport.
    /// @param owner The passport's current owner, the one it was minted to.
    /// @return The head after that record.
    function implied(IBrandPassport.Passport storage p, address owner) internal view returns (bytes32) {
        IBrandPassport.TransferKind kind = p.sold ? IBrandPassport.TransferKind.FirstSale : IBrandPassport.TransferKind.Mint;
        return foldOwnership(bytes32(0), address(0), owner, kind, address(0));
    }

    /// @notice Append the record of a move from `from` to `p`'s history.
    /// @return head The passport's new head.
    function recordOwnership(
        IBrandPassport.Passport storage p,
        address from,
        address to,
        IBrandPassport.TransferKind kind,
        address agent
    ) internal returns (bytes32 head) {
        (bytes32 previous, uint32 records) = latest(p, from);
        head = foldOwnership(previous, from, to, kind, agent);
        _store(p, head, records);
    }

    /// @notice Append a lifecycle record to the history of `p`, owned by `owner`.
    /// @return head The passport's new head.
    function recordLifecycle(
        IBrandPassport.Passport storage p,
        address owner,
        IBrandPassport.EventKind kind,
        bytes32 detailsHash,
        address by
    ) internal returns (bytes32 head) {
        (bytes32 previous, uint32 records) = latest(p, owner);
        head = foldLifecycle(previous, kind, detailsHash, by);
        _store(p, head, records);
    }

    /// @notice Append a status record to the history of `p`, owned by `owner`.
    /// @return head The passport's new head.
    function recordStatus(IBrandPassport.Passport storage p, address owner, IBrandPassport.Status status, address by)
        internal
        returns (bytes32 head)
    {
        (bytes32 previous, uint32 records) = latest(p, owner);
        head = foldStatus(previous, status, by);
        _store(p, head, records);
    }

    function _store(IBrandPassport.Passport storage p, bytes32 head, uint32 previousRecords) private {
        p.head = head;
        p.records = previousRecords + 1;
    }
}
