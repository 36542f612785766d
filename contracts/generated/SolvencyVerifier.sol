// SPDX-License-Identifier: GPL-3.0
/*
    Copyright 2021 0KIMS association.

    This file is generated with [snarkJS](https://github.com/iden3/snarkjs).

    snarkJS is a free software: you can redistribute it and/or modify it
    under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

    snarkJS is distributed in the hope that it will be useful, but WITHOUT
    ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
    or FITNESS FOR A PARTICULAR PURPOSE. See the GNU General Public
    License for more details.

    You should have received a copy of the GNU General Public License
    along with snarkJS. If not, see <https://www.gnu.org/licenses/>.
*/

pragma solidity >=0.7.0 <0.9.0;

contract SolvencyVerifier {
    // Scalar field size
    uint256 constant r    = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    // Base field size
    uint256 constant q   = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    // Verification Key data
    uint256 constant alphax  = 1389371492919202926825800983517522165209988128403928004546535894414394287873;
    uint256 constant alphay  = 18796137507099527473793100961211739427259286403635210527670388025741023053781;
    uint256 constant betax1  = 751896911144876661981478839514141006712201452009137293247652431464426805909;
    uint256 constant betax2  = 17385766520814043536038203096050566834928262113748504955155791171944803377408;
    uint256 constant betay1  = 19431940276379725525660211288091520343592702617076266784039479184339336722218;
    uint256 constant betay2  = 20660100865681744866137580641874956300886963444950250413790067435121369782054;
    uint256 constant gammax1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 constant gammax2 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 constant gammay1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 constant gammay2 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;
    uint256 constant deltax1 = 20034458585866705590190815859508912590854560574131522333986831152967497539175;
    uint256 constant deltax2 = 15448236208576517269179064466321313567234813641029817432044897010588314730084;
    uint256 constant deltay1 = 21194218144963502677663108431177688104523777703338080484662583273948359582240;
    uint256 constant deltay2 = 3724899453224204469272063795108026488537024136927273370678999620149277261101;

    
    uint256 constant IC0x = 9886919707276232216431520776363010503490047385186628632914715143151167724795;
    uint256 constant IC0y = 5350712717867152116788816965581819572538698209285583579183929747765547433351;
    
    uint256 constant IC1x = 1288016235619810832605878243551255926931496814180779417092049201281099902291;
    uint256 constant IC1y = 2467280474157731128797270959836952156645284929009926259562626281094803184850;
    
    uint256 constant IC2x = 17249311951667378526077583523313357642259843712068381355440786362871576876373;
    uint256 constant IC2y = 3153864435579833397851261872762533928895114098010073485755954181885330170250;
    
    uint256 constant IC3x = 17925979898056589306608665133584975810245394461324410647742118748588978698147;
    uint256 constant IC3y = 8802119479563813313727930963419784680163953754230428887047609837897328541384;
    
    uint256 constant IC4x = 16892262328589842891042949903772164323576087306084724316247560053841099064569;
    uint256 constant IC4y = 19020903685106782736607432435590446893310989307247451614900219040568210268687;
    
    uint256 constant IC5x = 13685000776865254059544053721639636831563984828247440694974430875017424359297;
    uint256 constant IC5y = 1824126221066744038224067995846244657789055824934919045390671718646409196753;
    
    uint256 constant IC6x = 10368320401936586038372947316111600855114079979358038750586989535992100723571;
    uint256 constant IC6y = 9891126032694450606350956857887091680698405904731768187370688516923675778426;
    
    uint256 constant IC7x = 9903005302337839308170062662955873878669115310462778234676058080851857603208;
    uint256 constant IC7y = 20165969116870204788679755752762056544693997712302375931324415630964487555919;
    
    uint256 constant IC8x = 6178663222614296719967169429180718060321498849488656498463645141857577293729;
    uint256 constant IC8y = 680089524209717199022941986694376869539558413425903371738686350444281138716;
    
    uint256 constant IC9x = 16920167603520463778250688888824560091094405906788608952496931774079427575879;
    uint256 constant IC9y = 5438795036020002256231082557850477145394483159513905405004713421358778848155;
    
    uint256 constant IC10x = 20353019454449831831881070343909054619294027247310430974050404079321904780987;
    uint256 constant IC10y = 15002432940805514777846084160974391651801774161300545363709127971373634209917;
    
    uint256 constant IC11x = 16812466604325716225893214741924292157714227639115974699427057088393260141132;
    uint256 constant IC11y = 587191385881711192054976768708582153259561936390554346829113292399703699965;
    
    uint256 constant IC12x = 454998253378850796038458353044429353384475177637809864937604939386036653046;
    uint256 constant IC12y = 21313524967334468306860440896427656858373833750596416366624119181377090441255;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[12] calldata _pubSignals) public view returns (bool) {
        assembly {
            function checkField(v) {
                if iszero(lt(v, r)) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }
            
            // G1 function to multiply a G1 value(x,y) to value in an address
            function g1_mulAccC(pR, x, y, s) {
                let success
                let mIn := mload(0x40)
                mstore(mIn, x)
                mstore(add(mIn, 32), y)
                mstore(add(mIn, 64), s)

                success := staticcall(sub(gas(), 2000), 7, mIn, 96, mIn, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }

                mstore(add(mIn, 64), mload(pR))
                mstore(add(mIn, 96), mload(add(pR, 32)))

                success := staticcall(sub(gas(), 2000), 6, mIn, 128, pR, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }

            function checkPairing(pA, pB, pC, pubSignals, pMem) -> isOk {
                let _pPairing := add(pMem, pPairing)
                let _pVk := add(pMem, pVk)

                mstore(_pVk, IC0x)
                mstore(add(_pVk, 32), IC0y)

                // Compute the linear combination vk_x
                
                g1_mulAccC(_pVk, IC1x, IC1y, calldataload(add(pubSignals, 0)))
                
                g1_mulAccC(_pVk, IC2x, IC2y, calldataload(add(pubSignals, 32)))
                
                g1_mulAccC(_pVk, IC3x, IC3y, calldataload(add(pubSignals, 64)))
                
                g1_mulAccC(_pVk, IC4x, IC4y, calldataload(add(pubSignals, 96)))
                
                g1_mulAccC(_pVk, IC5x, IC5y, calldataload(add(pubSignals, 128)))
                
                g1_mulAccC(_pVk, IC6x, IC6y, calldataload(add(pubSignals, 160)))
                
                g1_mulAccC(_pVk, IC7x, IC7y, calldataload(add(pubSignals, 192)))
                
                g1_mulAccC(_pVk, IC8x, IC8y, calldataload(add(pubSignals, 224)))
                
                g1_mulAccC(_pVk, IC9x, IC9y, calldataload(add(pubSignals, 256)))
                
                g1_mulAccC(_pVk, IC10x, IC10y, calldataload(add(pubSignals, 288)))
                
                g1_mulAccC(_pVk, IC11x, IC11y, calldataload(add(pubSignals, 320)))
                
                g1_mulAccC(_pVk, IC12x, IC12y, calldataload(add(pubSignals, 352)))
                

                // -A
                mstore(_pPairing, calldataload(pA))
                mstore(add(_pPairing, 32), mod(sub(q, calldataload(add(pA, 32))), q))

                // B
                mstore(add(_pPairing, 64), calldataload(pB))
                mstore(add(_pPairing, 96), calldataload(add(pB, 32)))
                mstore(add(_pPairing, 128), calldataload(add(pB, 64)))
                mstore(add(_pPairing, 160), calldataload(add(pB, 96)))

                // alpha1
                mstore(add(_pPairing, 192), alphax)
                mstore(add(_pPairing, 224), alphay)

                // beta2
                mstore(add(_pPairing, 256), betax1)
                mstore(add(_pPairing, 288), betax2)
                mstore(add(_pPairing, 320), betay1)
                mstore(add(_pPairing, 352), betay2)

                // vk_x
                mstore(add(_pPairing, 384), mload(add(pMem, pVk)))
                mstore(add(_pPairing, 416), mload(add(pMem, add(pVk, 32))))


                // gamma2
                mstore(add(_pPairing, 448), gammax1)
                mstore(add(_pPairing, 480), gammax2)
                mstore(add(_pPairing, 512), gammay1)
                mstore(add(_pPairing, 544), gammay2)

                // C
                mstore(add(_pPairing, 576), calldataload(pC))
                mstore(add(_pPairing, 608), calldataload(add(pC, 32)))

                // delta2
                mstore(add(_pPairing, 640), deltax1)
                mstore(add(_pPairing, 672), deltax2)
                mstore(add(_pPairing, 704), deltay1)
                mstore(add(_pPairing, 736), deltay2)


                let success := staticcall(sub(gas(), 2000), 8, _pPairing, 768, _pPairing, 0x20)

                isOk := and(success, mload(_pPairing))
            }

            let pMem := mload(0x40)
            mstore(0x40, add(pMem, pLastMem))

            // Validate that all evaluations ∈ F
            
            checkField(calldataload(add(_pubSignals, 0)))
            
            checkField(calldataload(add(_pubSignals, 32)))
            
            checkField(calldataload(add(_pubSignals, 64)))
            
            checkField(calldataload(add(_pubSignals, 96)))
            
            checkField(calldataload(add(_pubSignals, 128)))
            
            checkField(calldataload(add(_pubSignals, 160)))
            
            checkField(calldataload(add(_pubSignals, 192)))
            
            checkField(calldataload(add(_pubSignals, 224)))
            
            checkField(calldataload(add(_pubSignals, 256)))
            
            checkField(calldataload(add(_pubSignals, 288)))
            
            checkField(calldataload(add(_pubSignals, 320)))
            
            checkField(calldataload(add(_pubSignals, 352)))
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
