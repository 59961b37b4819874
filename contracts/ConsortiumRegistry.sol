// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {IBrandPassport} from "../interfaces/IBrandPassport.sol";
import {CounterfeitCases} from "./CounterfeitCases.sol";
import {BrandNames} from "./libraries/BrandNames.sol";

/// @title ConsortiumRegistry
/// @notice Invariants:
/// - membership and accreditations change only through `_execute`, reached only by a proposal
///   whose yes votes passed the quorum of active members; no account has any other power here; a member
///   has at most MAX_OPEN_PROPOSALS open at once, so that none makes executions too costly to run;
/// - each active member brand votes at most once per proposal, and only the votes of members
///   active now decide; a defeated proposal stays defeated;
/// - every collection was created here, as a clone of the one passport implementation, and
///   belongs to exactly one brand; `isGenuineCollection` is true for those and nothing else;
/// - a removed brand stays removed;
/// - the quorum is at least a majority and there are at least two founders, so no single
///   council carries a vote;
/// - a brand's name and symbol pass BrandNames' rule (allowed characters only, single inner
///   spaces, one of Latin, Greek and Cyrillic) and their skeletons (what they look like: case,
///   accents, look-alike letters and punctuation folded) are no admitted brand's, whoever sends
///   the proposal: a founder's, a proposal's and, again, the executed admission's; luxpass.names
///   is the same rule in Python;
/// - only an accredited auditor attests a report digest, once per auditor and digest, for a
///   block that exists; attestations are never removed;
/// - a brand's council (its vote here and the admin role of its collection, moved together) changes
///   only by the council itself while active (`rotateCouncil`), or by a vote of at least two *other*
///   active members (`proposeCouncilReplacement`: the brand itself cannot vote on it, so a stolen
///   key cannot block it), which takes effect no sooner than COUNCIL_REPLACEMENT_DELAY after the
///   vote, once per COUNCIL_REPLACEMENT_COOLDOWN, so that a hostile majority can neither seize a
///   brand unseen nor keep taking it back; a council once replaced never holds a seat again;
/// - what a council key did here ends with its seat: when the seat moves (rotation or
///   replacement), the brand's open proposals are closed (Defeated, {ProposalWithdrawn}) and its
///   votes on the others' open proposals are withdrawn ({VoteWithdrawn}), so that the new council
///   starts with a free quota and decides each open question afresh.
/// tests/contracts/test_invariants.py checks the first two after every step of random sequences.
contract ConsortiumRegistry is IConsortiumRegistry {
    uint16 private constant _BPS = 10_000;
    uint16 private constant _MIN_QUORUM_BPS = 5_000;
    uint256 private constant _MIN_FOUNDERS = 2;
    /// @notice Seconds between the vote that carries a council replacement and its effect.
    uint64 public constant COUNCIL_REPLACEMENT_DELAY = 3 days;
    /// @notice Seconds after a replacement's effect before the same brand's council can be replaced again.
    uint64 public constant COUNCIL_REPLACEMENT_COOLDOWN = 30 days;
    /// @notice The most proposals one member brand has open at once, so that every execution,
    /// which settles the open proposals, fits in a block however busy a council (or its thief) is.
    uint256 public constant MAX_OPEN_PROPOSALS = 8;

    address private immutable _passportImplementation;
    uint16 private immutable _quorumBps;
    uint64 private immutable _votingPeriod;
    address private immutable _cases;

    Brand[] private _brands; // brand id = index + 1
    mapping(address council => uint256) private _brandIdOfCouncil;
    mapping(address collection => uint256) private _brandIdOfCollection;
    mapping(bytes32 nameSkeleton => bool) private _nameTaken;
    uint256 private _activeMembers;

    Proposal[] private _proposals; // proposal id = index + 1
    mapping(uint256 proposalId => mapping(uint256 brandId => bool)) private _voted;
    mapping(uint256 proposalId => uint256[] brandIds) private _yesVoters;
    mapping(uint256 proposalId => uint256[] brandIds) private _noVoters;
    mapping(address account => mapping(Accreditation => bool)) private _accredited;
    mapping(bytes32 symbolSkeleton => bool) private _symbolTaken;
    mapping(address auditor => mapping(bytes32 digest => uint64)) private _attestedAt;
    // Per proposing brand, at most MAX_OPEN_PROPOSALS open; may hold closed ones until `_settle` prunes them.
    mapping(uint256 brandId => uint256[] proposalIds) private _openProposalsOf;
    // The council voted and its due time apart, so that no council address derives from a timestamp.
    mapping(uint256 brandId => address council) private _pendingCouncils;
    mapping(uint256 brandId => uint64) private _replacementDue;
    mapping(uint256 brandId => uint64) private _replacementHeldUntil;
    mapping(address council => bool) private _councilUnavailable; // replaced, or waiting to take a seat

    /// @notice Deploy the registry, its counterfeit case book and the founding brands, each
    /// admitted with its collection.
    /// @dev Requirements: as many names and symbols as founders (RegistryInvalidFounders); at
    /// least two founders (RegistryTooFewFounders); a quorum from 5000 to 9999
    /// (RegistryInvalidQuorum); a voting period above zero (RegistryInvalidVotingPeriod); an
    /// implementation with code (RegistryInvalidImplementation); founders as `proposeAdmission`
    /// requires of a brand (RegistryInvalidBrand, RegistryNameNotNormalised, ...).
    ///
    /// Emits a {BrandAdmitted} event per founder.
    /// @param passportImplementation_ The BrandPassport implementation collections are cloned from.
    /// @param names The founding brands' names.
    /// @param symbols The founding brands' symbols.
    /// @param founders The councils of the founding brands, in the order of `names` and `symbols`.
    /// @param quorumBps_ The share of active members, in basis points, that yes votes must exceed:
    /// from 5000 (a majority) to 9999.
    /// @param votingPeriod_ How long a proposal stays open, in seconds.
    constructor(
        address passportImplementation_,
        string[] memory names,
        string[] memory symbols,
        address[] memory founders,
        uint16 quorumBps_,
        uint64 votingPeriod_
    ) {
        if (names.length != founders.length || symbols.length != founders.length) revert RegistryInvalidFounders();
        if (founders.length < _MIN_FOUNDERS) revert RegistryTooFewFounders(founders.length);
        if (quorumBps_ < _MIN_QUORUM_BPS || quorumBps_ >= _BPS) revert RegistryInvalidQuorum(quorumBps_);
        if (votingPeriod_ == 0) revert RegistryInvalidVotingPeriod(votingPeriod_);
        if (passportImplementation_.code.length == 0) revert RegistryInvalidImplementation(passportImplementation_);
        _passportImplementation = passportImplementation_;
        _quorumBps = quorumBps_;
        _votingPeriod = votingPeriod_;
        _cases = address(new CounterfeitCases(this));
        for (uint256 i = 0; i < founders.length; i++) {
            (bytes32 nameKey, bytes32 symbolKey) = _checkNewBrand(names[i], symbols[i], founders[i]);
            _admit(names[i], symbols[i], founders[i], nameKey, symbolKey);
        }
    }

    /// @inheritdoc IConsortiumRegistry
    function proposeAdmission(string calldata name, string calldata symbol, address council)
        external
        returns (uint256)
    {
        _checkNewBrand(name, symbol, council);
        return _propose(ProposalKind.AdmitBrand, 0, council, Accreditation.Reseller, name, symbol);
    }

    /// @inheritdoc IConsortiumRegistry
    function proposeBrandStatus(uint256 brandId, ProposalKind kind) external returns (uint256) {
        _checkStatusChange(brandId, kind);
        return _propose(kind, brandId, address(0), Accreditation.Reseller, "", "");
    }

    /// @inheritdoc IConsortiumRegistry
    function proposeAccreditation(address account, Accreditation accreditation, bool grant)
        external
        returns (uint256)
    {
        if (account == address(0)) revert RegistryInvalidAccount(account);
        if (_accredited[account][accreditation] == grant) {
            revert RegistryAccreditationUnchanged(account, accreditation, grant);
        }
        ProposalKind kind = grant ? ProposalKind.Accredit : ProposalKind.RevokeAccreditation;
        return _propose(kind, 0, account, accreditation, "", "");
    }

    /// @inheritdoc IConsortiumRegistry
    function rotateCouncil(address newCouncil) external {
        uint256 brandId = _activeMemberOf(msg.sender);
        if (_pendingCouncils[brandId] != address(0)) {
            revert RegistryCouncilReplacementPending(brandId, _replacementDue[brandId]);
        }
        _checkNewCouncil(newCouncil);
        _setCouncil(brandId, newCouncil);
    }

    /// @inheritdoc IConsortiumRegistry
    function proposeCouncilReplacement(uint256 brandId, address newCouncil) external returns (uint256) {
        _checkReplacement(brandId, newCouncil);
        uint256 others = _electorate(ProposalKind.ReplaceCouncil, brandId);
        if (others < _MIN_FOUNDERS) revert RegistryTooFewOtherMembers(brandId, others);
        return _propose(ProposalKind.ReplaceCouncil, brandId, newCouncil, Accreditation.Reseller, "", "");
    }

    /// @inheritdoc IConsortiumRegistry
    function proposeRecoveryAllowance(uint256 brandId, address owner) external returns (uint256) {
        if (_brand(brandId).status == BrandStatus.Removed) revert RegistryBrandRemoved(brandId);
        if (owner == address(0)) revert RegistryInvalidAccount(owner);
        uint256 others = _electorate(ProposalKind.AllowRecovery, brandId);
        if (others < _MIN_FOUNDERS) revert RegistryTooFewOtherMembers(brandId, others);
        return _propose(ProposalKind.AllowRecovery, brandId, owner, Accreditation.Reseller, "", "");
    }

    /// @inheritdoc IConsortiumRegistry
    function completeCouncilReplacement(uint256 brandId) external {
        address council = _pendingCouncils[brandId];
        if (council == address(0)) revert RegistryNoCouncilReplacement(brandId);
        uint64 due = _replacementDue[brandId];
        if (block.timestamp < due) revert RegistryCouncilReplacementNotDue(brandId, due);
        if (_brand(brandId).status == BrandStatus.Removed) revert RegistryBrandRemoved(brandId);
        delete _pendingCouncils[brandId];
        delete _replacementDue[brandId];
        _setCouncil(brandId, council);
    }

    /// @inheritdoc IConsortiumRegistry
    function pendingCouncil(uint256 brandId) external view returns (PendingCouncil memory) {
        return PendingCouncil({council: _pendingCouncils[brandId], effectiveAt: _replacementDue[brandId]});
    }

    /// @inheritdoc IConsortiumRegistry
    function councilReplacementHeldUntil(uint256 brandId) external view returns (uint64) {
        return _replacementHeldUntil[brandId];
    }

    /// @inheritdoc IConsortiumRegistry
    function attest(bytes32 digest, uint256 chainBlock) external {
        if (!_accredited[msg.sender][Accreditation.Auditor]) revert RegistryNotAccreditedAuditor(msg.sender);
        // The block that includes this attestation is the newest that can exist; nodes simulate a
        // call at the latest block with that block's number, so `chainBlock == block.number` is accepted.
        if (chainBlock > block.number) revert RegistryAttestedBlockInFuture(chainBlock, block.number);
        if (_attestedAt[msg.sender][digest] != 0) revert RegistryAlreadyAttested(msg.sender, digest);
        _attestedAt[msg.sender][digest] = uint64(block.timestamp);
        emit AuditAttested(msg.sender, digest, chainBlock);
    }

    /// @inheritdoc IConsortiumRegistry
    function attestation(address auditor, bytes32 digest) external view returns (uint64 attestedAt) {
        return _attestedAt[auditor][digest];
    }

    /// @inheritdoc IConsortiumRegistry
    function cases() external view returns (address) {
        return _cases;
    }

    /// @inheritdoc IConsortiumRegistry
    function vote(uint256 proposalId, bool support) external {
        _vote(proposalId, _activeMemberOf(msg.sender), support);
    }

    /// @inheritdoc IConsortiumRegistry
    function proposal(uint256 proposalId) external view returns (Proposal memory) {
        return _proposal(proposalId);
    }

    /// @inheritdoc IConsortiumRegistry
    function proposalState(uint256 proposalId) public view returns (ProposalState) {
        // slither-disable-next-line incorrect-equality (an id check; slither taints `_proposals` by its deadlines)
        if (proposalId == 0 || proposalId > _proposals.length) return ProposalState.None;
        Proposal storage p = _proposals[proposalId - 1];
        if (p.executed) return ProposalState.Executed;
        if (p.defeated) return ProposalState.Defeated;
        if (block.timestamp > p.deadline) return ProposalState.Expired;
        if (_cannotPass(proposalId)) return ProposalState.Defeated;
        return ProposalState.Open;
    }

    /// @inheritdoc IConsortiumRegistry
    function tally(uint256 proposalId) public view returns (uint256 yes, uint256 no) {
        _proposal(proposalId);
        return (_activeAmong(_yesVoters[proposalId]), _activeAmong(_noVoters[proposalId]));
    }

    /// @inheritdoc IConsortiumRegistry
    function proposalCount() external view returns (uint256) {
        return _proposals.length;
    }

    /// @inheritdoc IConsortiumRegistry
    function hasVoted(uint256 proposalId, uint256 brandId) external view returns (bool) {
        return _voted[proposalId][brandId];
    }

    /// @inheritdoc IConsortiumRegistry
    function brand(uint256 brandId) external view returns (Brand memory) {
        return _brand(brandId);
    }

    /// @inheritdoc IConsortiumRegistry
    function brandCount() external view returns (uint256) {
        return _brands.length;
    }

    /// @inheritdoc IConsortiumRegistry
    function brandStatus(uint256 brandId) external view returns (BrandStatus) {
        if (brandId == 0 || brandId > _brands.length) return BrandStatus.None;
        return _brands[brandId - 1].status;
    }

    /// @inheritdoc IConsortiumRegistry
    function brandIdOfCouncil(address council) external view returns (uint256) {
        return _brandIdOfCouncil[council];
    }

    /// @inheritdoc IConsortiumRegistry
    function brandIdOfCollection(address collection) external view returns (uint256) {
        return _brandIdOfCollection[collection];
    }

    /// @inheritdoc IConsortiumRegistry
    function isGenuineCollection(address collection) external view returns (bool) {
        return _brandIdOfCollection[collection] != 0;
    }

    /// @inheritdoc IConsortiumRegistry
    function activeMemberCount() external view returns (uint256) {
        return _activeMembers;
    }

    /// @inheritdoc IConsortiumRegistry
    function isAccredited(address account, Accreditation accreditation) external view returns (bool) {
        return _accredited[account][accreditation];
    }

    /// @inheritdoc IConsortiumRegistry
    function quorumBps() external view returns (uint16) {
        return _quorumBps;
    }

    /// @inheritdoc IConsortiumRegistry
    function votingPeriod() external view returns (uint64) {
        return _votingPeriod;
    }

    /// @inheritdoc IConsortiumRegistry
    function passportImplementation() external view returns (address) {
        return _passportImplementation;
    }

    function _propose(
        ProposalKind kind,
        uint256 brandId,
        address account,
        Accreditation accreditation,
        string memory name,
        string memory symbol
    ) private returns (uint256 proposalId) {
        uint256 proposer = _activeMemberOf(msg.sender);
        uint256[] storage open = _openProposalsOf[proposer];
        _settle(open);
        if (open.length >= MAX_OPEN_PROPOSALS) revert RegistryTooManyOpenProposals(proposer, MAX_OPEN_PROPOSALS);
        _proposals.push(
            Proposal({
                kind: kind,
                brandId: brandId,
                account: account,
                accreditation: accreditation,
                name: name,
                symbol: symbol,
                proposerBrandId: proposer,
                deadline: uint64(block.timestamp) + _votingPeriod,
                yes: 0,
                no: 0,
                executed: false,
                defeated: false
            })
        );
        proposalId = _proposals.length;
        open.push(proposalId);
        emit ProposalCreated(proposalId, kind, proposer, brandId, account);
        _vote(proposalId, proposer, true);
    }

    function _vote(uint256 proposalId, uint256 voter, bool support) private {
        ProposalState state = proposalState(proposalId);
        if (state == ProposalState.None) revert RegistryUnknownProposal(proposalId);
        if (state != ProposalState.Open) revert RegistryProposalClosed(proposalId, state);
        if (_voted[proposalId][voter]) revert RegistryAlreadyVoted(proposalId, voter);
        Proposal storage p = _proposals[proposalId - 1];
        if (_othersDecide(p.kind) && voter == p.brandId) revert RegistryTargetCannotVote(proposalId, voter);
        _voted[proposalId][voter] = true;
        if (support) {
            p.yes += 1;
            _yesVoters[proposalId].push(voter);
        } else {
            p.no += 1;
            _noVoters[proposalId].push(voter);
        }
        emit VoteCast(proposalId, voter, support);
        if (support && _passes(p, _activeAmong(_yesVoters[proposalId]))) {
            p.executed = true;
            _execute(p);
            emit ProposalExecuted(proposalId);
        } else if (!support && _cannotPass(proposalId)) {
            p.defeated = true;
            emit ProposalDefeated(proposalId);
        }
    }

    function _execute(Proposal storage p) private {
        ProposalKind kind = p.kind;
        _settleDefeats();
        if (kind == ProposalKind.AdmitBrand) {
            (bytes32 nameKey, bytes32 symbolKey) = _checkNewBrand(p.name, p.symbol, p.account);
            _admit(p.name, p.symbol, p.account, nameKey, symbolKey);
        } else if (kind == ProposalKind.Accredit || kind == ProposalKind.RevokeAccreditation) {
            bool grant = kind == ProposalKind.Accredit;
            if (_accredited[p.account][p.accreditation] == grant) {
                revert RegistryAccreditationUnchanged(p.account, p.accreditation, grant);
            }
            _accredited[p.account][p.accreditation] = grant;
            emit AccreditationChanged(p.account, p.accreditation, grant);
        } else if (kind == ProposalKind.ReplaceCouncil) {
            _checkReplacement(p.brandId, p.account);
            uint64 effectiveAt = uint64(block.timestamp) + COUNCIL_REPLACEMENT_DELAY;
            _pendingCouncils[p.brandId] = p.account;
            _replacementDue[p.brandId] = effectiveAt;
            _replacementHeldUntil[p.brandId] = effectiveAt + COUNCIL_REPLACEMENT_COOLDOWN;
            _councilUnavailable[p.account] = true;
            emit CouncilReplacementScheduled(p.brandId, p.account, effectiveAt);
        } else if (kind == ProposalKind.AllowRecovery) {
            IBrandPassport(_brands[p.brandId - 1].collection).allowRecovery(p.account);
        } else {
            _checkStatusChange(p.brandId, kind);
            BrandStatus next = kind == ProposalKind.SuspendBrand
                ? BrandStatus.Suspended
                : kind == ProposalKind.ReinstateBrand ? BrandStatus.Active : BrandStatus.Removed;
            _setStatus(p.brandId, next);
        }
    }

    function _admit(string memory name, string memory symbol, address council, bytes32 nameKey, bytes32 symbolKey)
        private
    {
        address collection = Clones.clone(_passportImplementation);
        _brands.push(Brand({name: name, council: council, collection: collection, status: BrandStatus.Active}));
        uint256 brandId = _brands.length;
        _brandIdOfCouncil[council] = brandId;
        _brandIdOfCollection[collection] = brandId;
        _nameTaken[nameKey] = true;
        _symbolTaken[symbolKey] = true;
        _activeMembers += 1;
        IBrandPassport(collection).initialize(brandId, name, symbol, council);
        emit BrandAdmitted(brandId, name, council, collection);
    }

    function _setStatus(uint256 brandId, BrandStatus next) private {
        Brand storage b = _brands[brandId - 1];
        BrandStatus previous = b.status;
        if (previous == BrandStatus.Active) _activeMembers -= 1;
        if (next == BrandStatus.Active) _activeMembers += 1;
        b.status = next;
        emit BrandStatusChanged(brandId, previous, next);
        IBrandPassport(b.collection).setBrandActive(next == BrandStatus.Active);
    }

    /// @dev Before membership changes, records as defeated every open proposal that reads
    /// Defeated now, so that no later change of membership opens it again; prunes closed ones.
    function _settleDefeats() private {
        uint256 brands = _brands.length;
        for (uint256 brandId = 1; brandId <= brands; brandId++) {
            _settle(_openProposalsOf[brandId]);
        }
    }

    /// @dev Records as defeated each proposal of `proposalIds` that reads Defeated now, and
    /// prunes the closed ones: what stays is open.
    function _settle(uint256[] storage proposalIds) private {
        uint256 i = 0;
        while (i < proposalIds.length) {
            uint256 proposalId = proposalIds[i];
            Proposal storage p = _proposals[proposalId - 1];
            ProposalState state = proposalState(proposalId);
            if (state == ProposalState.Open) {
                i += 1;
                continue;
            }
            if (state == ProposalState.Defeated && !p.defeated) {
                p.defeated = true;
                emit ProposalDefeated(proposalId);
            }
            proposalIds[i] = proposalIds[proposalIds.length - 1];
            proposalIds.pop();
        }
    }

    /// @dev The members who have not voted no can no longer carry it.
    function _cannotPass(uint256 proposalId) private view returns (bool) {
        Proposal storage p = _proposals[proposalId - 1];
        uint256 electorate = _electorate(p.kind, p.brandId);
        uint256 no = _activeAmong(_noVoters[proposalId]);
        return !_passes(p, electorate > no ? electorate - no : 0);
    }

    /// @dev Kinds decided by the members other than the target brand, with at least two yes: what
    /// the brand's own key (or its thief) must not decide.
    function _othersDecide(ProposalKind kind) private pure returns (bool) {
        return kind == ProposalKind.ReplaceCouncil || kind == ProposalKind.AllowRecovery;
    }

    /// @dev The active members who decide: all of them, but for the brand whose council a
    /// replacement would change, or whose recoveries a vote would allow.
    function _electorate(ProposalKind kind, uint256 brandId) private view returns (uint256) {
        if (_othersDecide(kind) && _brands[brandId - 1].status == BrandStatus.Active) {
            return _activeMembers - 1;
        }
        return _activeMembers;
    }

    function _activeAmong(uint256[] storage brandIds) private view returns (uint256 count) {
        for (uint256 i = 0; i < brandIds.length; i++) {
            if (_brands[brandIds[i] - 1].status == BrandStatus.Active) count += 1;
        }
    }

    /// @dev A council replacement or a recovery allowance needs, besides the quorum of the other
    /// members, two of them.
    function _passes(Proposal storage p, uint256 yes) private view returns (bool) {
        if (_othersDecide(p.kind) && yes < _MIN_FOUNDERS) return false;
        return yes * _BPS > _electorate(p.kind, p.brandId) * _quorumBps;
    }

    function _setCouncil(uint256 brandId, address next) private {
        Brand storage b = _brands[brandId - 1];
        address previous = b.council;
        b.council = next;
        delete _brandIdOfCouncil[previous];
        _brandIdOfCouncil[next] = brandId;
        _councilUnavailable[previous] = true;
        emit CouncilRotated(brandId, previous, next);
        _endSeat(brandId);
        IBrandPassport(b.collection).replaceAdmin(previous, next);
    }

    /// @dev Closes the brand's open proposals and withdraws its votes on the others' open ones: a
    /// key that lost its seat (a thief's among them) leaves neither a full quota nor a yes or no
    /// that its brand's lawful council cannot answer. Closing, not keeping them open for the new
    /// council to re-decide: the old key chose what they propose, and what a stolen key proposed
    /// must not carry on the lawful council's name; the new council proposes again what it wants.
    /// Bounded like `_settleDefeats`: at most MAX_OPEN_PROPOSALS per brand.
    function _endSeat(uint256 brandId) private {
        _settleDefeats(); // what reads Defeated now stays so; every list holds open proposals only
        uint256[] storage own = _openProposalsOf[brandId];
        while (own.length > 0) {
            uint256 proposalId = own[own.length - 1];
            own.pop();
            _proposals[proposalId - 1].defeated = true;
            emit ProposalWithdrawn(proposalId, brandId);
        }
        uint256 brands = _brands.length;
        for (uint256 other = 1; other <= brands; other++) {
            uint256[] storage open = _openProposalsOf[other];
            for (uint256 i = 0; i < open.length; i++) {
                if (_voted[open[i]][brandId]) _withdrawVote(open[i], brandId);
            }
        }
    }

    function _withdrawVote(uint256 proposalId, uint256 brandId) private {
        Proposal storage p = _proposals[proposalId - 1];
        bool support = _remove(_yesVoters[proposalId], brandId);
        if (support) {
            p.yes -= 1;
        } else {
            _remove(_noVoters[proposalId], brandId);
            p.no -= 1;
        }
        delete _voted[proposalId][brandId];
        emit VoteWithdrawn(proposalId, brandId, support);
    }

    function _remove(uint256[] storage brandIds, uint256 brandId) private returns (bool found) {
        for (uint256 i = 0; i < brandIds.length; i++) {
            if (brandIds[i] == brandId) {
                brandIds[i] = brandIds[brandIds.length - 1];
                brandIds.pop();
                return true;
            }
        }
    }

    function _checkReplacement(uint256 brandId, address newCouncil) private view {
        if (_brand(brandId).status == BrandStatus.Removed) revert RegistryBrandRemoved(brandId);
        if (block.timestamp < _replacementHeldUntil[brandId]) {
            revert RegistryCouncilReplacementHeld(brandId, _replacementHeldUntil[brandId]);
        }
        _checkNewCouncil(newCouncil);
    }

    /// @dev Not zero, not a member's council, never replaced and not waiting to take a seat.
    function _checkNewCouncil(address council) private view {
        if (council == address(0)) revert RegistryInvalidAccount(council);
        if (_brandIdOfCouncil[council] != 0 || _councilUnavailable[council]) revert RegistryCouncilTaken(council);
    }

    function _activeMemberOf(address account) private view returns (uint256 brandId) {
        brandId = _brandIdOfCouncil[account];
        if (brandId == 0 || _brands[brandId - 1].status != BrandStatus.Active) {
            revert RegistryNotActiveMember(account);
        }
    }

    /// @dev The skeletons of a new brand's name and symbol, once both pass BrandNames' rule and
    /// are no admitted brand's, and its council is free.
    function _checkNewBrand(string memory name, string memory symbol, address council)
        private
        view
        returns (bytes32 nameKey, bytes32 symbolKey)
    {
        if (bytes(name).length == 0 || bytes(symbol).length == 0 || council == address(0)) {
            revert RegistryInvalidBrand(name, symbol, council);
        }
        nameKey = _newBrandText(name, false);
        symbolKey = _newBrandText(symbol, true);
        _checkNewCouncil(council);
    }

    /// @dev The faults in the order luxpass.names reports them: the form, then a taken skeleton,
    /// then mixed scripts.
    function _newBrandText(string memory text, bool isSymbol) private view returns (bytes32 key) {
        (bytes32 skeleton, BrandNames.Fault fault, uint256 offset) = BrandNames.skeleton(text);
        if (fault == BrandNames.Fault.Spacing) {
            if (isSymbol) revert RegistrySymbolNotNormalised(text);
            revert RegistryNameNotNormalised(text);
        }
        if (fault == BrandNames.Fault.Character) _refuseText(text, isSymbol, offset);
        if (isSymbol ? _symbolTaken[skeleton] : _nameTaken[skeleton]) {
            if (isSymbol) revert RegistryBrandSymbolTaken(text);
            revert RegistryBrandNameTaken(text);
        }
        if (fault == BrandNames.Fault.MixedScripts) _refuseText(text, isSymbol, offset);
        return skeleton;
    }

    function _refuseText(string memory text, bool isSymbol, uint256 offset) private pure {
        if (isSymbol) revert RegistryBrandSymbolNotAllowed(text, offset);
        revert RegistryBrandNameNotAllowed(text, offset);
    }

    function _checkStatusChange(uint256 brandId, ProposalKind kind) private view {
        BrandStatus status = _brand(brandId).status;
        bool valid = (kind == ProposalKind.SuspendBrand && status == BrandStatus.Active)
            || (kind == ProposalKind.ReinstateBrand && status == BrandStatus.Suspended)
            || (kind == ProposalKind.RemoveBrand && status != BrandStatus.Removed);
        if (!valid) revert RegistryInvalidStatusChange(brandId, status, kind);
    }

    function _brand(uint256 brandId) private view returns (Brand storage) {
        if (brandId == 0 || brandId > _brands.length) revert RegistryUnknownBrand(brandId);
        return _brands[brandId - 1];
    }

    function _proposal(uint256 proposalId) private view returns (Proposal storage) {
        if (proposalId == 0 || proposalId > _proposals.length) revert RegistryUnknownProposal(proposalId);
        return _proposals[proposalId - 1];
    }
}
